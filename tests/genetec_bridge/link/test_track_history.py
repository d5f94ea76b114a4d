"""The bridge's recent track history: what the daemon reported, bounded in time, per camera."""

from datetime import UTC, datetime, timedelta

from analytics.link.link_messages import FrameResult, TrackBox
from genetec_bridge.link.track_history import TrackHistory

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
    assert history.frames(B) == [] and len(history.frames(A)) == 7
