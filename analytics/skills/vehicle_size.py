"""A counted vehicle's length, height and speed on the ground plane, and its French class.

Pure: a track's boxes and times in, metres and km/h out.

**Length and height.** A box's bottom is on the road (the end of the vehicle nearest the camera);
its top is not: it is the far end's roof, seen above the road. Projecting it on the ground
overshoots by the roof's parallax (a 4 m lorry 30 m from a 10 m mast: more than 20 m), so the top
is placed in 3D with the camera recovered from the calibration (analytics.geometry.ground). In the
vertical plane of the vehicle's path, the ray through the box's top meets height z at
s = s0 + m·z (s along the path from the near end, s0 where the ray meets the road); the far top
corner (L, h) is on it, so every frame gives one linear equation L − m·h = s0. Frames seen from
different angles (m varies as the vehicle approaches) separate L and h: a least-squares fit over
the track (`height_m` is then reported). When the views are too alike, h is the detector class's
typical height (`TYPICAL_HEIGHT_M`) and only L is fitted. Without a recovered camera (looking
straight down) no length is measured. The model is a vehicle driving towards or away from the
camera with its top at the box's top centre: a vehicle seen side-on is over-measured by its width.

**Speed** is the slope of the near end's position along the path over the last `SPEED_WINDOW_S`
seconds (least squares), so one bad box does not make a speed.

**French classes** (VL, PL, 2RM, vélo, piéton). A PL (poids lourd) is a vehicle over 3.5 t
(Code de la route, article R311-1: lorries, buses and coaches); French automatic counts (Sétra, now
Cerema, guide technique « Comptage temporaire du trafic routier », 2004) tell PL from VL by the
vehicle's silhouette or length, since weight is not seen. We use a length of `PL_MIN_LENGTH_M`
(7.5 m), in the 7–8 m band where the two overlap least: the longest VL in use (a long-wheelbase
3.5 t van, about 7.4 m; cars up to 5.5 m) and the shortest common PL (a 7.5 t rigid lorry, from
about 7.5 m; midibuses 9 m, buses 12 m). That number is our reading of vehicle dimensions, not a
figure quoted from the guide. Below `VL_MAX_LENGTH_M` (5.5 m) a vehicle is a VL whatever the
detector said (pick-ups and vans are COCO trucks; vans are VL in French counts); between the
two the detector decides (bus, truck: PL; car: VL). The detector's class is the one it gave most
often (weighted by confidence) over the track, not its first. Two-wheelers and pedestrians keep
the detector's class unless they measure as long as a PL. No constant here was fitted to a clip.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from analytics.geometry.coordinates import Box, Point
from analytics.geometry.ground import GroundPlane, Matrix

FrenchClass = Literal["VL", "PL", "2RM", "vélo", "piéton"]
ClassifiedBy = Literal["size_and_detector", "detector"]

PL_MIN_LENGTH_M = 7.5
VL_MAX_LENGTH_M = 5.5
DETECTOR_CLASS: dict[str, FrenchClass] = {
    "car": "VL",
    "truck": "PL",
    "bus": "PL",
    "motorcycle": "2RM",
    "bicycle": "vélo",
    "person": "piéton",
}
# Typical heights (metres) used only when the track's views cannot separate length from height.
TYPICAL_HEIGHT_M = {"car": 1.5, "truck": 3.2, "bus": 3.2, "motorcycle": 1.4, "bicycle": 1.7, "person": 1.7}
# The path's direction needs the vehicle to have moved this far on the ground; otherwise the view
# direction is taken (a vehicle seen once, or standing).
MIN_PATH_M = 1.0
# Spread of the ray slopes m (metres of path per metre of height) over the track below which h is
# not fitted; and the heights a fit may give.
MIN_SLOPE_SPREAD = 0.5
HEIGHT_RANGE_M = (0.5, 5.0)
SPEED_WINDOW_S = 2.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One sighting of the tracked vehicle."""

    time_s: float
    box: Box  # normalised
    class_name: str
    score: float


@dataclass(frozen=True, slots=True)
class Measure:
    length_m: float | None
    height_m: float | None  # only when the views separated it from the length
    speed_kmh: float | None


def detector_class(samples: Sequence[Sample]) -> str:
    """The class the detector gave the track most, weighted by confidence."""
    weights: dict[str, float] = defaultdict(float)
    for sample in samples:
        weights[sample.class_name] += sample.score
    return max(weights, key=lambda name: weights[name])


def french_class(detected: str, length_m: float | None) -> FrenchClass:
    """The French class from the detector's class and, where measured, the length (see module)."""
    by_detector = DETECTOR_CLASS[detected]
    if length_m is None:
        return by_detector
    if length_m >= PL_MIN_LENGTH_M:
        return "PL"
    if by_detector in ("VL", "PL"):
        return "VL" if length_m < VL_MAX_LENGTH_M else by_detector
    return by_detector


def measure(plane: GroundPlane, samples: Sequence[Sample]) -> Measure:
    """Length, height and speed of one vehicle from its track (oldest sample first)."""
    if not samples:
        return Measure(None, None, None)
    near = np.array([plane.to_ground(_bottom(s.box)) for s in samples])
    path = near[-1] - near[0]
    moved = float(np.linalg.norm(path))
    speed = _speed(samples, near, path / moved) if moved >= MIN_PATH_M else None
    camera = plane.camera
    if camera is None:
        return Measure(None, None, speed)
    away = path / moved if moved >= MIN_PATH_M else near[-1] - camera.centre[:2]
    away = away / np.linalg.norm(away)
    if float(away @ (near[-1] - camera.centre[:2])) < 0:
        away = -away  # the far end is the one away from the camera
    rows, offsets = [], []
    for sample, ground in zip(samples, near, strict=True):
        ray = camera.ray(plane.pixel(_top(sample.box)))
        if ray[2] >= 0:
            continue  # the box's top is above the horizon: no ground under it
        hit = camera.centre[:2] + ray[:2] * (camera.centre[2] / -ray[2])
        rows.append([1.0, -float(ray[:2] @ away) / float(ray[2])])
        offsets.append(float((hit - ground) @ away))
    if not rows:
        return Measure(None, None, speed)
    a, b = np.array(rows), np.array(offsets)
    if float(np.ptp(a[:, 1])) >= MIN_SLOPE_SPREAD:
        (length, height), *_ = np.linalg.lstsq(a, b, rcond=None)
        if HEIGHT_RANGE_M[0] <= height <= HEIGHT_RANGE_M[1] and length > 0:
            return Measure(round(float(length), 2), round(float(height), 2), speed)
    typical = TYPICAL_HEIGHT_M.get(detector_class(samples), 1.5)
    length = float(np.median(b - a[:, 1] * typical))
    return Measure(round(length, 2) if length > 0 else None, None, speed)


def _speed(samples: Sequence[Sample], near: Matrix, along: Matrix) -> float | None:
    recent = [i for i, s in enumerate(samples) if s.time_s >= samples[-1].time_s - SPEED_WINDOW_S]
    times = np.array([samples[i].time_s for i in recent])
    if len(recent) < 2 or float(np.ptp(times)) <= 0:
        return None
    positions = near[recent] @ along
    slope = np.polyfit(times, positions, 1)[0]
    return round(abs(float(slope)) * 3.6, 1)


def _bottom(box: Box) -> Point:
    return ((box[0] + box[2]) / 2, box[3])


def _top(box: Box) -> Point:
    return ((box[0] + box[2]) / 2, box[1])
