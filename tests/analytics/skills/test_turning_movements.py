"""Turning movements and speed between two lines (counting with `origins`), on synthetic tracks."""

import itertools
import json

import pytest
from pydantic import ValidationError

from analytics.config.camera import CameraConfig
from analytics.evaluation.turning_movements import movements
from analytics.skills.engine import SkillEngine
from tests.support.ground_camera import Vehicle, calibration, filmed, mast_camera, normalised
from tests.support.synthetic_tracks import CAMERA_ID, Appearance, frames, path, run_engine

# A junction seen from above: four short lines, drawn so that driving down or right crosses them A->B.
JUNCTION_LINES = {
    "north": [[0.6, 0.2], [0.4, 0.2]],
    "south": [[0.6, 0.8], [0.4, 0.8]],
    "west": [[0.2, 0.4], [0.2, 0.6]],
    "east": [[0.8, 0.4], [0.8, 0.6]],
}


def junction(*exits: tuple[str, list[str]]) -> CameraConfig:
    return CameraConfig.model_validate(
        {
            "id": CAMERA_ID,
            "lines": [{"name": n, "points": p} for n, p in JUNCTION_LINES.items()],
            "skills": [
                {"kind": "counting", "line": line, "origins": origins, "classes": ["car"]}
                for line, origins in exits
            ],
        }
    )


def drive(track_id: int, *stops: tuple[float, float], t0: float) -> list[Appearance]:
    legs = []
    for k, (start, end) in enumerate(itertools.pairwise(stops)):
        legs += path(track_id, start, end, t0 + 2 * k, t0 + 2 * k + 2, class_name="car", w=0.04, h=0.04)[
            (1 if k else 0) :
        ]
    return legs


def test_each_exit_says_where_the_vehicle_came_in():
    camera = junction(("south", ["north", "east", "west"]), ("east", ["north", "south", "west"]))
    vehicles = (
        drive(1, (0.5, 0.1), (0.5, 0.9), t0=0)  # straight on, north to south
        + drive(2, (0.5, 0.1), (0.5, 0.5), (0.9, 0.5), t0=3)  # turns left, north to east
        + drive(3, (0.1, 0.5), (0.9, 0.5), t0=9)  # straight on, west to east
        + drive(4, (0.45, 0.6), (0.45, 0.9), t0=13)  # first seen inside the junction: no origin
    )
    events = run_engine(SkillEngine(camera, {}), frames(vehicles, until=17))
    assert sorted(
        (e.line, e.track_id, e.evidence.origin, e.evidence.origin_direction, e.evidence.direction)
        for e in events
    ) == [
        ("east", 2, "north", "A->B", "A->B"),
        ("east", 3, "west", "A->B", "A->B"),
        ("south", 1, "north", "A->B", "A->B"),
        ("south", 4, None, None, "A->B"),
    ]
    # No ground calibration: a movement, but no speed claimed.
    assert all(e.evidence.line_speed_kmh is None for e in events)


def test_the_matrix_tallies_one_movement_per_vehicle(tmp_path):
    camera = junction(("south", ["north", "west"]))
    vehicles = drive(1, (0.5, 0.1), (0.5, 0.9), t0=0) + drive(2, (0.5, 0.1), (0.5, 0.9), t0=3)
    vehicles += drive(3, (0.1, 0.5), (0.5, 0.5), (0.5, 0.9), t0=6)
    events = run_engine(SkillEngine(camera, {}), frames(vehicles, until=12))
    out = tmp_path / "events.jsonl"
    out.write_text("".join(e.to_json() + "\n" for e in events))
    tally = movements(out, {"south"})
    assert dict(tally.counts) == {("VL", "north A->B", "south A->B"): 2, ("VL", "west A->B", "south A->B"): 1}
    assert "class VL" in tally.table()


def test_an_origin_must_be_another_line_of_the_camera():
    with pytest.raises(ValidationError) as refused:
        junction(("south", ["north", "nowhere", "south"]))
    message = str(refused.value)
    assert "skills[0].origins[1]" in message and "nowhere" in message
    assert "skills[0].origins[2]" in message


# Speed between two lines on a synthetic mast camera with a known homography: lines across the road
# 40 m and 20 m from the camera's foot; a lorry at 15 m/s filmed at 10 fps crosses them between frames.
CAMERA = mast_camera()
LORRY = Vehicle(1, "car", length_m=12.0, height_m=3.6, speed_ms=15.0, start_y_m=60.5)


def across(y_m: float) -> list[tuple[float, float]]:
    return [normalised(CAMERA.project((x, y_m, 0.0))) for x in (8.0, -4.5)]


def road(calibrated: bool) -> CameraConfig:
    return CameraConfig.model_validate(
        {
            "id": "00000001-0000-babe-0000-00408ca1eb95",
            "lines": [{"name": "upstream", "points": across(40.0)}, {"name": "stop", "points": across(20.0)}],
            "skills": [{"kind": "counting", "line": "stop", "origins": ["upstream"], "classes": ["car"]}],
            "ground": calibration(CAMERA) if calibrated else None,
        }
    )


def test_speed_between_two_lines_is_exact_on_a_calibrated_camera():
    # 60.5 m → 40 m at 1.3667 s, → 20 m at 2.7 s: both between frames at 10 fps (0.1 s).
    (event,) = run_engine(SkillEngine(road(calibrated=True), {}), filmed(CAMERA, [LORRY], 10.0, 5.0))
    evidence = event.evidence
    assert (evidence.origin, evidence.line_distance_m, evidence.line_speed_kmh) == ("upstream", 20.0, 54.0)


def test_an_uncalibrated_camera_gives_the_movement_without_a_speed():
    (event,) = run_engine(SkillEngine(road(calibrated=False), {}), filmed(CAMERA, [LORRY], 10.0, 5.0))
    evidence = json.loads(event.to_json())["evidence"]
    assert evidence["origin"] == "upstream"
    assert "line_speed_kmh" not in evidence and "line_distance_m" not in evidence
