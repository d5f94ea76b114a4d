import numpy as np
import supervision as sv

from analytics.camera_pipeline import CameraPipeline
from analytics.config.camera import CameraConfig

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
