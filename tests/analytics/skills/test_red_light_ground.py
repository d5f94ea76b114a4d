"""The red-light front on a calibrated camera: a synthetic camera 6 m up a mast, looking along the
road, films vehicles driving away from it over a stop line 20 m ahead (ground y = 20). Each vehicle
is as tall as its class's typical height, so its front on the ground is known exactly: the crossing
is dated at the first frame (10 fps) its front is past the line, its rear's at the first frame the
rear is."""

import math
from dataclasses import replace

import pytest

from analytics.config.camera import CameraConfig
from analytics.frame_tracks import SignalState
from analytics.skills.engine import SkillEngine
from tests.support.ground_camera import Vehicle, calibration, filmed, mast_camera, normalised
from tests.support.synthetic_tracks import CAMERA_ID, run_engine

FPS = 10.0
STOP_LINE_Y_M = 20.0
CAMERA = mast_camera(height_m=6.0, tilt_deg=15.0, focal_px=1200.0)


def calibrated_junction() -> CameraConfig:
    line = [normalised(CAMERA.project((x, STOP_LINE_Y_M, 0.0))) for x in (-3.0, 5.0)]
    return CameraConfig.model_validate(
        {
            "id": CAMERA_ID,
            "ground": calibration(CAMERA).model_dump(),
            "lines": [{"name": "gate", "points": line}],
            "skills": [
                {
                    "kind": "red_light",
                    "line": "gate",
                    "classes": ["car", "motorcycle"],
                    "direction": "A->B",
                    "signal": {"source": "video", "region": [[0.9, 0.0], [1.0, 0.0], [1.0, 0.1], [0.9, 0.1]]},
                    "proceed_distance": 0.02,
                }
            ],
        }
    )


def first_frame_at_or_after(time_s: float) -> float:
    return math.ceil(time_s * FPS) / FPS


@pytest.mark.parametrize(
    "vehicle",
    [
        Vehicle(1, "car", length_m=4.5, height_m=1.5, speed_ms=-5.0, start_y_m=8.2, x_m=1.0),
        Vehicle(2, "motorcycle", length_m=2.0, height_m=1.4, speed_ms=-4.0, start_y_m=11.1, x_m=0.5),
    ],
)
def test_the_front_is_the_far_end_on_the_ground_and_dates_the_crossing_exactly(vehicle: Vehicle) -> None:
    frames = [
        replace(f, signals={"red_light:gate": SignalState.RED}) for f in filmed(CAMERA, [vehicle], FPS, 6.0)
    ]
    (event,) = run_engine(SkillEngine(calibrated_junction(), {}), frames)
    speed = -vehicle.speed_ms
    front_s = (STOP_LINE_Y_M - vehicle.start_y_m - vehicle.length_m) / speed
    rear_s = (STOP_LINE_Y_M - vehicle.start_y_m) / speed
    straddling, past = event.evidence.moments
    assert (straddling.time_s, past.time_s) == (
        first_frame_at_or_after(front_s),
        first_frame_at_or_after(rear_s),
    )
    assert event.time_s == straddling.time_s
