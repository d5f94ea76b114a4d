import asyncio
from datetime import UTC, datetime

from analytics.daemon.batching import PendingFrames
from analytics.link.link_messages import FrameReady


def _frame(camera: str, frame: int) -> FrameReady:
    return FrameReady(
        camera=camera, slot=0, shape=(2, 2, 3), frame=frame, time_s=frame / 5, captured_at=datetime.now(UTC)
    )


def test_newest_frame_of_a_camera_replaces_the_older_one_which_is_counted_dropped() -> None:
    pending = PendingFrames()
    for n in (1, 2, 3):
        pending.add(_frame("a", n))
    assert [f.frame for f in pending.take(8)] == [3]
    assert pending.take_dropped("a") == 2
    assert pending.take_dropped("a") == 0


def test_batches_hold_one_frame_per_camera_longest_waiting_first() -> None:
    pending = PendingFrames()
    for camera in "abc":
        pending.add(_frame(camera, 1))
    pending.add(_frame("a", 2))  # keeps a's place in line
    assert [(f.camera, f.frame) for f in pending.take(2)] == [("a", 2), ("b", 1)]
    pending.add(_frame("a", 3))
    assert [f.camera for f in pending.take(2)] == ["c", "a"]
    assert len(pending) == 0


def test_frames_lost_after_taking_are_counted_with_the_others() -> None:
    pending = PendingFrames()
    pending.add(_frame("a", 1))
    pending.add(_frame("a", 2))
    pending.count_dropped("a")
    assert pending.take_dropped("a") == 2


def test_a_camera_under_analysis_is_skipped_until_it_is_released() -> None:
    async def scenario() -> None:
        pending = PendingFrames()
        for camera in "ab":
            pending.add(_frame(camera, 1))
        assert [f.camera for f in pending.take(8, busy={"a"})] == ["b"]
        assert pending.take(8, busy={"a"}) == []
        waiting = asyncio.create_task(pending.wait())
        await asyncio.sleep(0.01)
        assert not waiting.done(), "nothing it may take: it waits"
        pending.released()
        await asyncio.wait_for(waiting, 1.0)
        assert [f.camera for f in pending.take(8)] == ["a"]

    asyncio.run(scenario())
