"""French classes on a camera without calibration, from each vehicle's size against a car's at its place.

A synthetic pinhole camera (tests/support/ground_camera.py) films cars, vans and lorries of known
dimensions along lanes, seen head-on and side-on at several elevations; the fake detector calls them
all "car" (as the 416-pixel nano detector called the motorway's lorries), except a car-sized pick-up
it calls "truck". The camera has no `[cameras.ground]`: its counting skill learns the car scale from
the stream and counts the lorries as PL.
"""

import math
from dataclasses import dataclass

import pytest

from analytics.config.camera import CameraConfig
from analytics.events import Evidence
from analytics.frame_tracks import FrameTracks
from analytics.geometry.ground import Camera
from analytics.skills.engine import SkillEngine
from analytics.skills.relative_size import (
    BOXES_PER_CELL,
    GRID_CELLS,
    MIN_CAR_TRACKS,
    PL_MIN_RATIO,
    VL_MAX_RATIO,
    CarScale,
)
from tests.support.ground_camera import Vehicle, filmed, mast_camera, normalised
from tests.support.synthetic_tracks import run_engine

FPS = 5.0
SPEED_MS = 15.0
GAP_M = 16.0  # between the fronts of successive vehicles of a lane
# (length, width, height) metres: the module's dimensions, and a spread of cars.
CARS = [(4.0, 1.75, 1.45), (4.5, 1.8, 1.5), (5.0, 1.85, 1.5), (4.3, 1.78, 1.55)]
LONG_VAN = (7.4, 2.05, 2.8)
VAN = (6.0, 2.0, 2.5)
RIGID_LORRY = (7.5, 2.5, 3.3)
ARTICULATED = (16.5, 2.55, 4.0)
PICKUP = (5.3, 1.9, 1.8)
# The module's reference vehicles for its thresholds.
VAN_COMMON = (6.0, 2.05, 2.6)
PICKUP_LARGE = (5.5, 2.0, 1.9)
# Two cars side by side in one box: the width of both and the gap, a car's length and height.
MERGED_CARS = (4.5, 4.4, 1.5)


@dataclass(frozen=True)
class Road:
    """A camera (height, elevation to the counting line) and which way the traffic passes it."""

    height_m: float
    elevation_deg: float
    side_on: bool

    def camera(self) -> Camera:
        return mast_camera(self.height_m, self.elevation_deg)

    def line_y(self) -> float:
        """Ground distance ahead of the camera's foot (at y = -5) of the counting line."""
        return -5.0 + self.height_m / math.tan(math.radians(self.elevation_deg))

    def line(self) -> list[tuple[float, float]]:
        y = self.line_y()
        ends = [(0.0, y - 6.0), (0.0, y + 6.0)] if self.side_on else [(8.0, y), (-8.0, y)]
        return [normalised(self.camera().project((x, yy, 0.0))) for x, yy in ends]

    def vehicle(self, track_id: int, class_name: str, dims: tuple[float, float, float], slot: int) -> Vehicle:
        """The `slot`-th vehicle of the traffic, lanes taken in turn, each one GAP_M behind the last."""
        lane, order = slot % 2, slot // 2
        length, width, height = dims
        behind = 25.0 + order * GAP_M
        if self.side_on:
            # Crossing the view from the left (heading +x) in the far lane, from the right in the near.
            y = self.line_y() + (1.75 if lane else -1.75)
            heading, start = (0.0, -behind - length) if lane else (180.0, behind)
            return Vehicle(
                track_id, class_name, length, height, SPEED_MS, y - length / 2, start, width, heading
            )
        return Vehicle(
            track_id, class_name, length, height, SPEED_MS, self.line_y() + behind, lane * 3.5 - 1.75, width
        )


ROADS = [Road(5.3, 12.0, False), Road(10.0, 25.0, False), Road(30.0, 50.0, False), Road(10.0, 25.0, True)]


def config(road: Road) -> CameraConfig:
    return CameraConfig.model_validate(
        {
            "id": "00000001-0000-babe-0000-00408ca1eb95",
            "lines": [{"name": "count", "points": road.line()}],
            "skills": [{"kind": "counting", "line": "count", "classes": ["car", "truck"]}],
        }
    )


def traffic(
    road: Road, cars_first: int, tested: list[tuple[str, tuple[float, float, float]]]
) -> list[Vehicle]:
    """`cars_first` cars, then the tested vehicles each between two cars."""
    kinds = [("car", CARS[i % len(CARS)]) for i in range(cars_first)]
    for index, kind in enumerate(tested):
        kinds += [kind, ("car", CARS[index % len(CARS)])]
    return [road.vehicle(i + 1, name, dims, slot) for slot, (i, (name, dims)) in enumerate(enumerate(kinds))]


def counted(road: Road, vehicles: list[Vehicle]) -> dict[int, Evidence]:
    # The last vehicle starts about len/2 gaps behind the line: it has passed it 3 s later.
    until = (25.0 + len(vehicles) / 2 * GAP_M) / SPEED_MS + 3.0
    frames: list[FrameTracks] = filmed(road.camera(), vehicles, FPS, until)
    events = run_engine(SkillEngine(config(road), {}), frames)
    return {e.track_id: e.evidence for e in events if e.kind == "line_cross"}


TESTED = [
    ("car", RIGID_LORRY),
    ("car", LONG_VAN),
    ("car", ARTICULATED),
    ("car", VAN),
    ("truck", PICKUP),
    ("car", MERGED_CARS),
]
EXPECTED = ["PL", "VL", "PL", "VL", "VL", "VL"]


@pytest.mark.parametrize(
    "road", ROADS, ids=lambda r: f"{r.elevation_deg:g}deg{'-side-on' if r.side_on else ''}"
)
def test_lorries_called_car_are_pl_and_vans_pickups_and_merged_cars_vl_once_the_car_scale_is_learned(
    road: Road,
):
    vehicles = traffic(road, MIN_CAR_TRACKS + 4, TESTED)
    events = counted(road, vehicles)
    tested_ids = [v.track_id for v in vehicles[MIN_CAR_TRACKS + 4 :: 2]]
    assert len(events) == len(vehicles)  # every vehicle counted once
    assert [events[i].french_class for i in tested_ids] == EXPECTED
    assert {events[i].classified_by for i in tested_ids} == {"relative_size"}
    lorry, pickup = events[tested_ids[0]].size_ratio, events[tested_ids[4]].size_ratio
    assert lorry is not None and lorry >= PL_MIN_RATIO
    assert pickup is not None and pickup <= VL_MAX_RATIO


def test_before_the_car_scale_is_learned_the_detector_decides():
    road = ROADS[1]
    vehicles = traffic(road, 4, [("car", RIGID_LORRY), ("truck", PICKUP)])
    events = counted(road, vehicles)
    assert len(events) == len(vehicles)
    assert {e.classified_by for e in events.values()} == {"detector"}
    assert {e.size_ratio for e in events.values()} == {None}
    assert [events[v.track_id].french_class for v in vehicles[4::2]] == ["VL", "PL"]


def height_ratios(dims: tuple[float, float, float]) -> list[float]:
    """Box height over a 4.5 × 1.8 × 1.5 m car's at the same place, at elevations 10°-60° and azimuths
    0°-90° (the module's table)."""
    ratios = []
    for elevation in range(10, 61):
        camera = mast_camera(10.0, elevation)
        ahead = 10.0 / math.tan(math.radians(elevation)) - 5.0
        for azimuth in range(0, 91, 5):
            heights = []
            for length, width, height in (dims, (4.5, 1.8, 1.5)):
                box = Vehicle(1, "car", length, height, 0.0, ahead - length / 2, 0.0, width, azimuth - 90.0)
                _, y1, _, y2 = box.box(camera, 0.0)
                heights.append(y2 - y1)
            ratios.append(heights[0] / heights[1])
    return ratios


def test_the_thresholds_fall_between_the_vehicles_they_separate_with_five_per_cent_to_spare():
    assert max(height_ratios(VAN_COMMON)) * 1.05 <= PL_MIN_RATIO <= min(height_ratios(RIGID_LORRY)) / 1.05
    assert max(height_ratios(PICKUP_LARGE)) <= VL_MAX_RATIO < min(height_ratios(VAN_COMMON))


def learned(boxes: list[tuple[int, Vehicle, float]], camera: Camera) -> CarScale:
    """A car scale fed (track id, vehicle, time) boxes, all labelled car, none hidden."""
    scale = CarScale()
    for track_id, vehicle, t in boxes:
        scale.add(track_id, "car", vehicle.box(camera, t), False)
    return scale


def car_height_error(scale: CarScale, camera: Camera) -> float:
    """The scale's largest relative error on a 4.5 × 1.8 × 1.5 m car along the middle lane."""
    errors = []
    for y in (15.0, 25.0, 40.0):
        x1, y1, x2, y2 = Vehicle(0, "car", 4.5, 1.5, 0.0, y).box(camera, 0.0)
        predicted = scale.height_at((x1 + x2) / 2, y2)
        assert predicted is not None
        errors.append(abs(predicted / (y2 - y1) - 1))
    return max(errors)


def moving(track_id: int, dims: tuple[float, float, float], lane: float) -> list[tuple[int, Vehicle, float]]:
    length, width, height = dims
    vehicle = Vehicle(track_id, "car", length, height, SPEED_MS, 50.0, lane, width)
    return [(track_id, vehicle, t / FPS) for t in range(int(3.0 * FPS))]


def test_a_quarter_of_lorries_and_vans_called_car_do_not_lift_the_car_scale():
    camera = mast_camera()
    cars = [b for i in range(30) for b in moving(i, CARS[i % len(CARS)], (i % 3 - 1) * 3.5)]
    big = [b for i in range(10) for b in moving(100 + i, (RIGID_LORRY, VAN)[i % 2], (i % 3 - 1) * 3.5)]
    assert car_height_error(learned(cars + big, camera), camera) < 0.03


def test_a_car_parked_all_day_neither_fills_the_memory_nor_bends_the_scale():
    camera = mast_camera()
    parked = Vehicle(999, "car", 4.5, 1.5, 0.0, 14.0, 6.0)
    boxes = [(999, parked, 0.0)] * 20_000
    boxes += [b for i in range(MIN_CAR_TRACKS) for b in moving(i, CARS[i % len(CARS)], (i % 3 - 1) * 3.5)]
    scale = learned(boxes, camera)
    assert scale.boxes_held() <= GRID_CELLS**2 * BOXES_PER_CELL
    assert car_height_error(scale, camera) < 0.03
