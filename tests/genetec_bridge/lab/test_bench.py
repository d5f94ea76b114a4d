"""The camera-count search of the benchmark, against a rig whose capacity is known."""

import pytest

from genetec_bridge.lab.bench import Step, sustained
from genetec_bridge.lab.bench_report import MAX_ANALYSIS_LATENCY_S, MAX_DROP


class FakeRig:
    """Drops nothing up to `capacity` cameras, then more than MAX_DROP (or, with `late`, drops nothing
    but answers later than MAX_ANALYSIS_LATENCY_S)."""

    def __init__(self, capacity: int, late: bool = False) -> None:
        self.capacity = capacity
        self.late = late
        self.tried: list[int] = []

    async def measure(self, count: int, fps: float, seconds: float) -> Step:
        self.tried.append(count)
        within = count <= self.capacity
        dropped = 0.0 if within or self.late else 2 * MAX_DROP
        latency = 0.05 if within or not self.late else 2 * MAX_ANALYSIS_LATENCY_S
        return Step(count, fps, count * fps, dropped, latency)


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


async def test_a_count_whose_frames_are_analysed_late_is_not_sustained() -> None:
    rig = FakeRig(5, late=True)
    assert (await sustained(rig, max_cameras=16, seconds=1.0))[0] == 5
