"""A camera reconfigured while the daemon runs: only that camera's skills start afresh; its tracker
keeps its tracks, and every other camera's pipeline is left exactly as it was."""

from datetime import UTC, datetime

import numpy as np
import supervision as sv

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.daemon.analyser import Analyser
from analytics.link.link_messages import TO_DAEMON, ReconfigureCamera

CAMERA_A = "00000001-0000-babe-0000-00408ca1eb95"
CAMERA_B = "00000001-0000-babe-0000-00408ca1eb96"
CAMERA_C = "00000001-0000-babe-0000-00408ca1eb97"
SQUARE = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.9], [0.2, 0.9]]


def _camera(camera_id: str, min_dwell_s: float) -> CameraConfig:
    return CameraConfig.model_validate(
        {
            "id": camera_id,
            "zones": [{"name": "square", "polygon": SQUARE}],
            "skills": [{"kind": "loitering", "zone": "square", "min_dwell_s": min_dwell_s}],
        }
    )


def _person(x: float) -> sv.Detections:
    return sv.Detections(
        xyxy=np.array([[x, 40.0, x + 10.0, 70.0]]), confidence=np.array([0.9]), class_id=np.array([0])
    )


def _track_ids(analyser: Analyser, camera: str, start: int, frames: int) -> set[int]:
    pipeline = analyser.pipeline(camera)
    assert pipeline is not None
    image = np.zeros((100, 100, 3), dtype=np.uint8)
    ids: set[int] = set()
    for frame in range(start, start + frames):
        tracks, _ = pipeline.process(_person(40 + frame * 0.2), image, frame, frame / 5, datetime.now(UTC))
        ids |= {o.track_id for o in tracks.objects}
    return ids


def test_only_the_reconfigured_camera_changes_and_it_keeps_its_tracks() -> None:
    analyser = Analyser(detector=None)  # type: ignore[arg-type]  # reconfiguration never detects
    analyser.configure(AnalyticsSite(cameras=[_camera(CAMERA_A, 60), _camera(CAMERA_B, 60)]))
    pipeline_a, pipeline_b = analyser.pipeline(CAMERA_A), analyser.pipeline(CAMERA_B)
    ids_before = _track_ids(analyser, CAMERA_A, 1, 10)
    assert len(ids_before) == 1

    # The message as it travels over the link.
    change = ReconfigureCamera(camera_id=CAMERA_A, camera=_camera(CAMERA_A, 5))
    analyser.reconfigure(TO_DAEMON.validate_json(change.model_dump_json()))  # type: ignore[arg-type]

    assert analyser.pipeline(CAMERA_B) is pipeline_b
    assert analyser.pipeline(CAMERA_A) is pipeline_a
    assert pipeline_a is not None and pipeline_a.camera.skills[0].min_dwell_s == 5  # type: ignore[union-attr]
    # The very next frame shows the same track: a fresh tracker would still be confirming it.
    assert _track_ids(analyser, CAMERA_A, 11, 1) == ids_before

    analyser.reconfigure(ReconfigureCamera(camera_id=CAMERA_C, camera=_camera(CAMERA_C, 5)))
    analyser.reconfigure(ReconfigureCamera(camera_id=CAMERA_A))
    assert analyser.pipeline(CAMERA_A) is None and analyser.pipeline(CAMERA_C) is not None
    assert analyser.pipeline(CAMERA_B) is pipeline_b
