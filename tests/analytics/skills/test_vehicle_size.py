"""Lengths, heights, speeds and French classes from a synthetic camera with a known homography."""

import pytest

from analytics.config.camera import CameraConfig
from analytics.skills.engine import SkillEngine
from analytics.skills.vehicle_size import Sample, french_class, measure
from tests.support.ground_camera import Vehicle, calibration, filmed, mast_camera, normalised
from tests.support.synthetic_tracks import run_engine

CAMERA = mast_camera()
PLANE = calibration(CAMERA).plane
LORRY = Vehicle(1, "car", length_m=12.0, height_m=3.6, speed_ms=15.0, start_y_m=60.0)  # 54 km/h
CAR = Vehicle(2, "car", length_m=4.3, height_m=1.5, speed_ms=12.5, start_y_m=35.0)  # 45 km/h


def samples(vehicle: Vehicle, whole_pixels: bool = False) -> list[Sample]:
    return [
        Sample(t / 10, vehicle.box(CAMERA, t / 10, whole_pixels), vehicle.class_name, 0.8)
        for t in range(0, 25)
    ]


def test_length_height_and_speed_are_exact_from_exact_boxes():
    size = measure(PLANE, samples(LORRY))
    assert (size.length_m, size.height_m, size.speed_kmh) == (12.0, 3.6, 54.0)


def test_boxes_rounded_to_whole_pixels_give_the_length_and_speed_to_a_pixel():
    # One pixel at the farthest roof seen is the resolution the measurement can claim.
    far = LORRY.start_y_m + LORRY.length_m
    metres_per_pixel = 1 / PLANE.pixels_per_metre((0.0, far), (0.0, 1.0))
    size = measure(PLANE, samples(LORRY, whole_pixels=True))
    assert size.length_m == pytest.approx(12.0, abs=2 * metres_per_pixel)
    assert size.speed_kmh == pytest.approx(54.0, rel=0.02)


def test_a_single_view_uses_the_typical_height_and_says_none():
    # One frame cannot separate length from height: the class's typical height (car: 1.5 m) is used.
    size = measure(PLANE, samples(CAR)[:1])
    assert (size.length_m, size.height_m, size.speed_kmh) == (4.3, None, None)


@pytest.mark.parametrize(
    ("detected", "length", "expected"),
    [
        ("car", 12.0, "PL"),  # a lorry the detector calls a car
        ("truck", 5.2, "VL"),  # a pick-up or a van the detector calls a truck
        ("truck", 6.5, "PL"),  # between the bounds the detector decides
        ("car", 6.5, "VL"),
        ("bus", None, "PL"),  # no calibration: the detector alone
        ("bicycle", 1.8, "vélo"),
        ("motorcycle", 2.2, "2RM"),
        ("person", None, "piéton"),
    ],
)
def test_french_class_from_detector_and_length(detected, length, expected):
    assert french_class(detected, length) == expected


def camera_config(calibrated: bool) -> CameraConfig:
    line = [normalised(CAMERA.project((x, 20.0, 0.0))) for x in (8.0, -4.5)]
    return CameraConfig.model_validate(
        {
            "id": "00000001-0000-babe-0000-00408ca1eb95",
            "lines": [{"name": "stop", "points": line}],
            "skills": [{"kind": "counting", "line": "stop", "classes": ["car", "truck"]}],
            "ground": calibration(CAMERA) if calibrated else None,
        }
    )


def crossings(calibrated: bool) -> list[dict[str, object]]:
    events = run_engine(SkillEngine(camera_config(calibrated), {}), filmed(CAMERA, [LORRY, CAR], 10.0, 6.0))
    return [
        e.evidence.model_dump(
            exclude_none=True, include={"french_class", "classified_by", "length_m", "speed_kmh"}
        )
        | {"track": e.track_id}
        for e in events
    ]


def test_a_calibrated_camera_counts_the_lorry_called_car_as_pl_with_its_length_and_speed():
    assert sorted(crossings(calibrated=True), key=lambda c: c["track"]) == [
        {
            "track": 1,
            "french_class": "PL",
            "classified_by": "size_and_detector",
            "length_m": 12.0,
            "speed_kmh": 54.0,
        },
        {
            "track": 2,
            "french_class": "VL",
            "classified_by": "size_and_detector",
            "length_m": 4.3,
            "speed_kmh": 45.0,
        },
    ]


def test_an_uncalibrated_camera_says_its_classes_are_the_detectors_and_claims_no_size():
    assert sorted(crossings(calibrated=False), key=lambda c: c["track"]) == [
        {"track": 1, "french_class": "VL", "classified_by": "detector"},
        {"track": 2, "french_class": "VL", "classified_by": "detector"},
    ]
