"""The bridge's recent track history: what the daemon reported, bounded in time, per camera."""

import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from analytics.link.link_messages import FrameResult, TrackBox
from genetec_bridge.config.site import RetentionConfig
from genetec_bridge.link.track_history import KEEP_S, RECENT_S, TrackHistory

A, B = "00000001-0000-babe-0000-00408ca1eb95", "00000001-0000-babe-0000-00408ca1eb96"
START = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _result(camera: str, second: int) -> FrameResult:
    return FrameResult(
        camera=camera,
        frame=second + 1,
        time_s=float(second),
        captured_at=START + timedelta(seconds=second),
        objects=[TrackBox(track_id=3, class_name="car", box=(0.1, 0.1, 0.2, 0.2), score=0.7)],
        signals={"red_light:stop": "red"},
        inference_s=0.01,
    )


def test_history_keeps_the_last_period_of_each_camera_with_boxes_and_signals() -> None:
    history = TrackHistory(keep_s=60)
    for second in range(0, 200, 10):
        history.add(_result(A, second))
    history.add(_result(B, 5))
    kept = history.frames(A)
    assert [f.time_s for f in kept] == [130.0, 140.0, 150.0, 160.0, 170.0, 180.0, 190.0]
    assert kept[-1].objects[0].class_name == "car" and kept[-1].signals["red_light:stop"] == "red"
    assert kept[-1].timestamp == START + timedelta(seconds=190)
    assert len(history.frames(B)) == 1
    history.forget(B)
    assert not history.frames(B) and len(history.frames(A)) == 7


# Sizing: 90 cameras at 5 fps, 10 objects a frame. A frame held costs at most this (packed: ~370 bytes;
# as Python objects it was ~2.9 kB).
CAMERAS = [f"00000001-0000-babe-0000-00408ca1{n:04x}" for n in range(90)]
FPS = 5
FRAME_BYTES = 600
OBJECTS = [TrackBox(track_id=n, class_name="car", box=(0.1, 0.1, 0.2, 0.2), score=0.7) for n in range(10)]


class _Feed:
    """Results of the cameras at FPS, second after second; built from one validated result per camera
    (validating 1.6 million results would be the test's whole cost)."""

    def __init__(self, history: TrackHistory) -> None:
        self.history = history
        self._first = {
            camera: FrameResult(
                camera=camera, frame=0, time_s=0, captured_at=START, objects=OBJECTS, inference_s=0.01
            )
            for camera in CAMERAS
        }

    def second(self, second: int, cameras: list[str]) -> None:
        for n in range(FPS):
            at, frame = START + timedelta(seconds=second + n / FPS), second * FPS + n
            for camera in cameras:
                fields = {
                    **self._first[camera].__dict__,
                    "frame": frame,
                    "time_s": frame / FPS,
                    "captured_at": at,
                }
                self.history.add(FrameResult.model_construct(**fields))


def _traced(history_work: Callable[[], None]) -> int:
    """Bytes still held after `history_work`, of what it allocated."""
    before = tracemalloc.get_traced_memory()[0]
    history_work()
    return tracemalloc.get_traced_memory()[0] - before


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    yield
    tracemalloc.stop()


def test_an_hour_at_90_cameras_holds_the_watched_camera_s_hour_and_a_minute_of_each_other(traced) -> None:
    """One camera watched in the box for the hour, 89 nobody looks at. The 89 are fed for 90 s: after
    its last RECENT_S a camera nobody watches holds the same bytes whatever it sends (the rest of their
    hour would add time to the test, not bytes), and a camera that stops sending keeps what it held."""
    keep_s = min(KEEP_S, RetentionConfig().track_history_h * 3600.0)
    bound = FRAME_BYTES * FPS * ((len(CAMERAS) - 1) * RECENT_S + keep_s)
    history = TrackHistory(keep_s=keep_s)
    feed = _Feed(history)
    watched = CAMERAS[0]
    start = tracemalloc.get_traced_memory()[0]

    for second in range(int(keep_s)):
        if second % 300 == 0:
            history.frames(watched)  # the live view asks at least every 5 minutes
        feed.second(second, CAMERAS if second < 90 else [watched])
        if second % 60 == 59:
            held = tracemalloc.get_traced_memory()[0] - start
            assert held < bound, f"{held} bytes held after {second + 1} s (bound {bound})"

    assert len(history.frames(watched)) >= FPS * (keep_s - 1)
    assert len(history.frames(CAMERAS[1], timedelta(seconds=10))) == FPS * 10 + 1  # the rate: both ends in
    freed = -_traced(lambda: history.forget(CAMERAS[1]))
    assert 0 < freed <= FRAME_BYTES * FPS * RECENT_S  # a camera nobody watches: its last minute only


def test_the_history_never_holds_more_than_its_bytes_even_when_every_camera_is_watched(traced) -> None:
    max_bytes = 2 * 1024 * 1024
    history = TrackHistory(keep_s=KEEP_S, max_bytes=max_bytes)
    feed = _Feed(history)
    for camera in CAMERAS:
        history.frames(camera)

    held = _traced(lambda: [feed.second(second, CAMERAS) for second in range(90)])

    assert held <= max_bytes * 1.1
    kept = [len(history.frames(camera)) for camera in CAMERAS]
    assert min(kept) > 0 and sum(kept) < 90 * FPS * len(CAMERAS)  # the oldest went, every camera kept some
