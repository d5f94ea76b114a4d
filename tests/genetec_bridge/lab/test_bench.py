"""The camera-count search of the benchmark, against a rig whose capacity is known."""

import pytest

from genetec_bridge.lab.bench import MAX_DROP, Step, sustained


class FakeRig:
    """Drops nothing up to `capacity` cameras, then more than MAX_DROP."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.tried: list[int] = []

    async def measure(self, count: int, fps: float, seconds: float) -> Step:
        self.tried.append(count)
        return Step(count, fps, count * fps, 0.0 if count <= self.capacity else 2 * MAX_DROP)


@pytest.mark.parametrize("capacity", range(17))
async def test_search_finds_the_exact_count(capacity: int) -> None:
    rig = FakeRig(capacity)
    found, steps = await sustained(rig, max_cameras=16, seconds=1.0)
    assert found == capacity
    assert [s.cameras for s in steps] == rig.tried
    assert len(set(rig.tried)) == len(rig.tried) <= 8


async def test_search_stops_at_the_largest_count_tried() -> None:
    rig = FakeRig(100)
    assert (await sustained(rig, max_cameras=12, seconds=1.0))[0] == 12
    assert rig.tried == [1, 2, 4, 8, 12]
