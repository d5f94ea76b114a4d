from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.events import AnalyticsEvent
from analytics.link.framing import encode
from analytics.link.link_messages import FROM_DAEMON, TO_DAEMON, Configure, FrameReady, FrameResult, TrackBox

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"


def test_messages_round_trip_as_one_json_line() -> None:
    site = AnalyticsSite(cameras=[CameraConfig(id=CAMERA, name="Parvis")])
    for message in (
        Configure(site=site),
        FrameReady(
            camera=CAMERA, slot=1, shape=(576, 768, 3), frame=9, time_s=1.6, captured_at=datetime.now(UTC)
        ),
    ):
        line = encode(message)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        assert TO_DAEMON.validate_json(line) == message


def test_a_result_carries_events_counts_and_boxes_but_no_pixels() -> None:
    event = AnalyticsEvent(
        id="e1", kind="intrusion", skill="intrusion:yard", phase="start", camera=CAMERA,
        zone="yard", class_name="person", track_id=4, frame=9, time_s=1.6,
    )  # fmt: skip
    result = FrameResult(
        camera=CAMERA, frame=9, time_s=1.6, captured_at=datetime.now(UTC), counts={"person": 1},
        objects=[TrackBox(track_id=4, class_name="person", box=(0.1, 0.2, 0.15, 0.4), score=0.8)],
        events=[event], inference_s=0.02,
    )  # fmt: skip
    decoded = FROM_DAEMON.validate_json(encode(result))
    assert decoded == result
    assert set(FrameResult.model_fields) == {
        "type", "camera", "frame", "time_s", "captured_at", "dropped", "counts", "objects", "signals",
        "events", "inference_s", "detected", "stage_cpu_s",
    }  # fmt: skip
    assert set(TrackBox.model_fields) == {"track_id", "class_name", "box", "score"}


def test_unknown_message_types_are_refused() -> None:
    with pytest.raises(ValidationError):
        TO_DAEMON.validate_json(b'{"type": "image", "pixels": "..."}')
