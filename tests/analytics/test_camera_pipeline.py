import numpy as np
import pytest
import supervision as sv

from analytics.camera_pipeline import CameraPipeline
from analytics.config.camera import CameraConfig
from analytics.skills.event_factory import EventFactory
from analytics.skills.intrusion import IntrusionConfig
from analytics.skills.subjects import Subject
from analytics.skills.visits import Instant

CAMERA = CameraConfig.model_validate(
    {
        "id": "00000000-0000-4e75-0000-000000000002",
        "zones": [{"name": "lawn", "polygon": [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 1.0]]}],
        "skills": [{"kind": "intrusion", "zone": "lawn"}],
    }
)


def test_tracks_are_normalised_and_skills_see_them() -> None:
    pipeline = CameraPipeline(CAMERA, {})
    image = np.zeros((200, 400, 3), dtype=np.uint8)
    events = []
    for n in range(20):
        t = n / 5
        x = 100 + 40 * t  # its foot reaches the zone (x = 200 px) at t = 2.25 s
        detections = sv.Detections(
            xyxy=np.array([[x, 50, x + 20, 150]], dtype=np.float32),
            confidence=np.array([0.9], dtype=np.float32),
            class_id=np.array([0]),
        )
        tracks, found = pipeline.process(detections, image, n + 1, t)
        events += found
    (person,) = tracks.objects
    assert tracks.frame == 20
    assert tracks.camera_id == CAMERA.id
    assert (person.class_name, person.track_id) == ("person", 1)
    np.testing.assert_allclose(person.box, [(x) / 400, 0.25, (x + 20) / 400, 0.75], rtol=1e-5)
    assert [(e.kind, e.zone, e.track_id) for e in events] == [("intrusion", "lawn", 1)]
    assert pipeline.counts_csv() == ""


def test_a_frame_the_motion_gate_skips_shows_the_last_objects_at_its_own_time() -> None:
    pipeline = CameraPipeline(CAMERA, {})
    image = np.zeros((200, 400, 3), dtype=np.uint8)
    standing = sv.Detections(
        xyxy=np.array([[300, 50, 320, 150]], dtype=np.float32),
        confidence=np.array([0.9], dtype=np.float32),
        class_id=np.array([0]),
    )
    for n in range(3):
        detected, _ = pipeline.process(standing, image, n + 1, n / 5)
    skipped, _ = pipeline.process(None, image, 4, 0.6)
    assert skipped.objects == detected.objects and len(skipped.objects) == 1
    assert (skipped.frame, skipped.time_s) == (4, 0.6)
    still_image = np.full((200, 400, 3), 90, dtype=np.uint8)
    assert pipeline.needs_detection(still_image, 1.0)
    assert not pipeline.needs_detection(still_image, 1.2)


def test_no_alert_before_the_track_is_confirmed() -> None:
    """A detection in the zone that is never matched twice (a flash, a reflection) raises nothing; one
    that stays raises its alert only from the frame where its track is confirmed."""
    # No presence inertia: only the tracker's confirmation stands between a detection and an alert.
    camera = CAMERA.model_copy(update={"skills": [IntrusionConfig(zone="lawn", min_presence_s=0.0)]})
    pipeline = CameraPipeline(camera, {})
    image = np.zeros((200, 400, 3), dtype=np.uint8)

    def seen(x: float) -> sv.Detections:
        return sv.Detections(
            xyxy=np.array([[x, 50, x + 20, 150]], dtype=np.float32),
            confidence=np.array([0.9], dtype=np.float32),
            class_id=np.array([0]),
        )

    empty = sv.Detections.empty()
    tracks, events = pipeline.process(seen(300), image, 1, 0.0)
    assert (tracks.objects, events) == ((), [])  # tentative: not reported, no alert
    tracks, events = pipeline.process(empty, image, 2, 0.2)
    assert (tracks.objects, events) == ((), [])

    times = [5.0 + n * 0.05 for n in range(6)]
    frames = [pipeline.process(seen(350), image, 3 + n, t) for n, t in enumerate(times)]
    first_alert = next(n for n, (_, events) in enumerate(frames) if events)
    first_reported = next(n for n, (tracks, _) in enumerate(frames) if tracks.objects)
    assert first_alert == first_reported > 0  # not before confirmation, and at once after it
    confirm_s = pipeline._tracker.config.min_confirm_s  # the tracker's own rule, not a copy of it
    assert times[first_alert] - times[0] >= confirm_s > times[first_alert - 1] - times[0]
    [event] = frames[first_alert][1]
    assert event.track_id == frames[first_alert][0].objects[0].track_id >= 1


def test_the_event_factory_refuses_an_unconfirmed_track() -> None:
    factory = EventFactory(CAMERA.id, IntrusionConfig(zone="lawn"), zone="lawn")
    subject = Subject(key=1, class_name="person", box=(0, 0, 1, 1), anchor=(0.5, 1.0), last_seen_s=0.0)
    subject.track_ids.append(0)
    moment = Instant(frame=1, time_s=0.0, timestamp=None)
    with pytest.raises(ValueError, match="unconfirmed track"):
        factory.make("intrusion", "instant", subject, moment, moment)
