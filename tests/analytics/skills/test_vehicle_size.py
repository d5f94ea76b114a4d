"""Lengths, heights, speeds and French classes from a synthetic camera with a known homography."""

from dataclasses import replace

import pytest

from analytics.config.camera import CameraConfig
from analytics.skills.engine import SkillEngine
from analytics.skills.vehicle_size import Sample, french_class, hidden_bottoms, measure
from tests.support.ground_camera import Vehicle, calibration, filmed, mast_camera, normalised
from tests.support.synthetic_tracks import run_engine

CAMERA = mast_camera()
PLANE = calibration(CAMERA).plane
LORRY = Vehicle(1, "car", length_m=12.0, height_m=3.6, speed_ms=15.0, start_y_m=60.0)  # 54 km/h
CAR = Vehicle(2, "car", length_m=4.3, height_m=1.5, speed_ms=12.5, start_y_m=35.0)  # 45 km/h


def samples(vehicle: Vehicle, whole_pixels: bool = False, count: int = 25) -> list[Sample]:
    return [
        Sample(t / 10, vehicle.box(CAMERA, t / 10, whole_pixels), vehicle.class_name, 0.8)
        for t in range(0, count)
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


@pytest.mark.parametrize("heading_deg", [-60.0, -45.0, -30.0, 0.0, 180.0])
@pytest.mark.parametrize(("length", "height", "width"), [(12.0, 3.6, 2.5), (4.3, 1.5, 1.8)])
def test_oblique_and_side_on_vehicles_are_measured_from_their_whole_box(heading_deg, length, height, width):
    # Seen obliquely or side-on, a box's bottom edge is the footprint's near corner, its sides the
    # vehicle's length: the fit reads the length along the heading, to a few centimetres at 20-50 m.
    vehicle = Vehicle(
        1, "car", length, height, 12.0, 40.0, -6.0 if heading_deg == 0 else 0.0, width, heading_deg
    )
    size = measure(PLANE, samples(vehicle))
    assert size.length_m == pytest.approx(length, abs=0.1)
    assert size.height_m == pytest.approx(height, abs=0.1)


def test_boxes_cut_by_an_occluding_vehicle_do_not_lengthen_or_shorten_the_lorry():
    # Six of 25 sightings lose the top 40 % of the box (a vehicle in front hides the roof); six others
    # lose their left half.
    def cut_top(box):
        return (box[0], box[1] + 0.4 * (box[3] - box[1]), box[2], box[3])

    def cut_left(box):
        return (box[0] + 0.5 * (box[2] - box[0]), box[1], box[2], box[3])

    lorry = Vehicle(1, "car", 12.0, 3.6, 15.0, 60.0, width_m=2.5)
    seen = samples(lorry)
    for index in range(6, 12):
        seen[index] = replace(seen[index], box=cut_top(seen[index].box))
    for index in range(14, 20):
        seen[index] = replace(seen[index], box=cut_left(seen[index].box))
    size = measure(PLANE, seen)
    assert size.length_m == pytest.approx(12.0, abs=0.1)


def test_sightings_whose_bottom_a_nearer_vehicle_hides_do_not_place_the_lorry():
    # A car close in front covers the lorry's lower part in its first ten sightings: the detector's box
    # stops at the car's roof, so the box's bottom is not where the lorry touches the road.
    lorry = Vehicle(1, "car", 12.0, 3.6, 15.0, 60.0, width_m=2.5)
    seen = samples(lorry)
    for index in range(10):
        box = seen[index].box
        car_in_front = (box[0] - 0.01, box[3] - 0.3 * (box[3] - box[1]), box[2] + 0.01, box[3] + 0.02)
        visible = (box[0], box[1], box[2], car_in_front[1])
        assert hidden_bottoms([visible, car_in_front]) == [True, False]
        seen[index] = replace(seen[index], box=visible, hidden_bottom=True)
    size = measure(PLANE, seen)
    assert size.length_m == pytest.approx(12.0, abs=0.1)


def test_a_box_cut_by_the_edge_of_the_picture_is_not_taken_for_the_vehicle():
    # The lorry's roof is above the picture in its first ten sightings: the box's top is the picture's.
    lorry = Vehicle(1, "car", 16.5, 4.0, 15.0, 100.0, width_m=2.5)
    seen = [
        replace(s, box=(s.box[0], max(s.box[1], 0.0), s.box[2], s.box[3])) for s in samples(lorry, count=50)
    ]
    assert [s.box[1] for s in seen[:10]] == [0.0] * 10
    assert measure(PLANE, seen).length_m == pytest.approx(16.5, abs=0.1)


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
