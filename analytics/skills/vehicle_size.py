"""A counted vehicle's length, height and speed on the ground plane, and its French class.

Pure: a track's boxes and times in, metres and km/h out.

**Length and height.** A box bounds the vehicle's whole outline: its bottom is the footprint's
nearest corner or edge, its top the roof's farthest, its sides whichever corners stick out. So
the vehicle is modelled as what it is, a box on the road (length along its heading, width, height),
with the camera recovered from the calibration (analytics.geometry.ground). The heading is the
track's direction of travel on the ground (from successive positions); for given dimensions each
sighting places the box on the road where its image box's bottom centre falls on the seen one, and
the dimensions are those whose image boxes best match the sightings' top and sides (least squares,
Cauchy-weighted so that a box cut by a vehicle in front, or a shadow taken in, weighs little). A
head-on view, an oblique one and a side-on one are thus the same computation: the box's extent
along the lane comes out of the fit, not out of the bottom edge alone (which shows only the
footprint's near side). A box side on the picture's edge is ignored (the picture stops there,
not the vehicle); a sighting cut at the bottom or a side cannot be placed and is left out, and so
is one whose bottom a nearer vehicle's box covers (`hidden_bottoms`: the road under it is hidden).
Frames seen from different angles separate length and height (`height_m` is then reported, when
the fit fixes it to `MAX_HEIGHT_SIGMA_M`); when the views are too alike (one view, a far shallow
one), the height is held to the detector class's typical one (`TYPICAL_SIZE_M`) and only the
length is reported. Without a recovered camera (looking straight down) no length is measured.
The fit runs once per counted vehicle, on at most `MAX_FITTED_SAMPLES` sightings spread over the
track (about 0.1 s of one core). Its constants (sigmas, starts) were set on the synthetic camera
of the tests; the urban clip, the tuning split, only checked them.

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

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import OptimizeResult, least_squares

from analytics.geometry.coordinates import Box, Point
from analytics.geometry.ground import Camera, GroundPlane, Matrix

FrenchClass = Literal["VL", "PL", "2RM", "vélo", "piéton"]
ClassifiedBy = Literal["size_and_detector", "relative_size", "detector"]

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
# Typical (width, height) in metres by detector class: where the track's views leave the fit free
# (one view cannot separate a length from a height), it keeps to these, within the sigmas below.
TYPICAL_SIZE_M = {
    "car": (1.8, 1.5),
    "truck": (2.5, 3.2),
    "bus": (2.55, 3.2),
    "motorcycle": (0.8, 1.4),
    "bicycle": (0.6, 1.7),
    "person": (0.5, 1.7),
}
WIDTH_SIGMA_M = 1.0
FREE_HEIGHT_SIGMA_M = 10.0
TYPICAL_HEIGHT_SIGMA_M = 0.3
# A detector's box is good to a pixel or two; larger misfits (a box cut by an occluding vehicle, a
# shadow taken in) weigh less and less (soft L1 beyond this scale).
BOX_SIGMA_PX = 1.5
# A box side this close to the picture's edge is clipped by it and says nothing of the vehicle.
EDGE_PX = 1.0
# The fit starts from a car and from a lorry and keeps the better, so that neither length is
# reached only from the other's side; lengths outside the range are not vehicles.
START_LENGTHS_M = (4.5, 12.0)
LENGTH_RANGE_M = (0.3, 30.0)
# The height is reported when the fit fixes it to this (one standard deviation).
MAX_HEIGHT_SIGMA_M = 0.25
# The heading is the track's, turned by the fit by a few degrees (a box's bottom centre does not
# follow the footprint exactly when the vehicle is seen obliquely); a freer turn lets a head-on box
# trade its length for a width.
TURN_SIGMA_RAD = 0.05
MAX_TURN_RAD = 0.5
MAX_FITTED_SAMPLES = 20
PLACING_STEPS = 4
# The path's direction needs the vehicle to have moved this far on the ground; otherwise the view
# direction is taken (a vehicle seen once, or standing).
MIN_PATH_M = 1.0
SPEED_WINDOW_S = 2.0


@dataclass(frozen=True, slots=True)
class Sample:
    """One sighting of the tracked vehicle."""

    time_s: float
    box: Box  # normalised
    class_name: str
    score: float
    # The box's bottom centre is inside a nearer vehicle's box: where it touches the road is hidden.
    hidden_bottom: bool = False


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
    samples = [s for s in samples if not s.hidden_bottom] or samples
    if not samples:
        return Measure(None, None, None)
    near = np.array([plane.to_ground(_bottom(s.box)) for s in samples])
    path = near[-1] - near[0]
    moved = float(np.linalg.norm(path))
    speed = _speed(samples, near, path / moved) if moved >= MIN_PATH_M else None
    camera = plane.camera
    if camera is None:
        return Measure(None, None, speed)
    heading = path / moved if moved >= MIN_PATH_M else near[-1] - camera.centre[:2]
    fit = CuboidFit(camera, plane.image_size, heading / np.linalg.norm(heading), detector_class(samples))
    kept = _spread_indices(len(samples), MAX_FITTED_SAMPLES)
    length, height = fit.solve([samples[i] for i in kept])
    return Measure(length, height, speed)


class CuboidFit:
    """The box of a vehicle on its heading whose image boxes best match a track's (see module)."""

    def __init__(self, camera: Camera, image_size: tuple[int, int], heading: Matrix, detected: str) -> None:
        self._camera = camera
        self._size = np.array([*image_size, *image_size], float)
        self._heading = math.atan2(heading[1], heading[0])
        self._width, self._height = TYPICAL_SIZE_M.get(detected, TYPICAL_SIZE_M["car"])

    def solve(self, samples: Sequence[Sample]) -> tuple[float | None, float | None]:
        """(length, height) in metres, rounded to the centimetre; a height only where the views fixed it."""
        seen = np.array([s.box for s in samples], float) * self._size
        # A side on the picture's edge is where the picture stops, not the vehicle; a frame whose
        # bottom or sides are cut cannot place the vehicle on the road.
        inside = np.c_[seen[:, :2] > EDGE_PX, seen[:, 2:] < self._size[2:] - EDGE_PX]
        placed = inside[:, [0, 2, 3]].all(axis=1)
        if not placed.any():
            return None, None
        seen, kept = seen[placed], inside[placed, 1]
        anchors = np.stack(((seen[:, 0] + seen[:, 2]) / 2, seen[:, 3]), axis=1)
        # Left, top, right against the fitted boxes (the bottom is where each box is placed); a top
        # on the picture's edge not at all.
        weights = np.stack((np.ones(len(seen)), kept, np.ones(len(seen))), axis=1) / BOX_SIGMA_PX

        def residuals(params: Matrix, height_sigma: float) -> Matrix:
            length, width, height, turn = params
            boxes = self._placed_boxes(anchors, length, width, height, self._heading + turn)
            misfit = (boxes[:, :3] - seen[:, :3]) * weights
            priors = [
                (width - self._width) / WIDTH_SIGMA_M,
                (height - self._height) / height_sigma,
                turn / TURN_SIGMA_RAD,
            ]
            return np.concatenate((misfit.ravel(), priors))

        free = self._fit(residuals, FREE_HEIGHT_SIGMA_M)
        covariance = np.linalg.pinv(free.jac.T @ free.jac)
        if float(np.sqrt(max(covariance[2, 2], 0.0))) <= MAX_HEIGHT_SIGMA_M:
            return round(float(free.x[0]), 2), round(float(free.x[2]), 2)
        # The views are too alike to tell a long low vehicle from a short tall one: the class's height.
        return round(float(self._fit(residuals, TYPICAL_HEIGHT_SIGMA_M).x[0]), 2), None

    def _fit(self, residuals: Callable[[Matrix, float], Matrix], height_sigma: float) -> OptimizeResult:
        lower = [LENGTH_RANGE_M[0], 0.3, 0.3, -MAX_TURN_RAD]
        upper = [LENGTH_RANGE_M[1], 4.0, 6.0, MAX_TURN_RAD]
        fits = [
            least_squares(
                residuals,
                [start, self._width, self._height, 0.0],
                bounds=(lower, upper),
                loss="cauchy",
                args=(height_sigma,),
            )
            for start in START_LENGTHS_M
        ]
        return min(fits, key=lambda fit: fit.cost)

    def _placed_boxes(
        self, anchors: Matrix, length: float, width: float, height: float, heading: float
    ) -> Matrix:
        """The vehicle's image boxes (x1, y1, x2, y2 pixels) when placed on the road so that each box's
        bottom centre falls on its anchor pixel: a few steps of moving the footprint by the ground
        distance between where its bottom centre lands and where it should."""
        along = np.array([math.cos(heading), math.sin(heading), 0.0])
        across = np.array([-along[1], along[0], 0.0])
        corners = (
            _CORNERS[:, :1] * length / 2 * along
            + _CORNERS[:, 1:2] * width / 2 * across
            + _CORNERS[:, 2:] * height * _UP
        )
        target = self._ground(anchors[:, 0], anchors[:, 1])
        centres = target + along[:2] * length / 2
        for _ in range(PLACING_STEPS):
            boxes = self._boxes(centres, corners)
            centres = centres + target - self._ground((boxes[:, 0] + boxes[:, 2]) / 2, boxes[:, 3])
        return self._boxes(centres, corners)

    def _ground(self, u: Matrix, v: Matrix) -> Matrix:
        """Ground points (metres) seen at image pixels (u, v)."""
        camera = self._camera
        cx, cy = camera.principal
        rotation = camera.rotation
        rays = (
            ((u - cx) / camera.focal_px)[:, None] * rotation[0]
            + ((v - cy) / camera.focal_px)[:, None] * rotation[1]
            + rotation[2]
        )
        reach = camera.centre[2] / np.maximum(-rays[:, 2], 1e-9)
        return camera.centre[:2] + rays[:, :2] * reach[:, None]

    def _boxes(self, centres: Matrix, corners: Matrix) -> Matrix:
        """Image boxes (x1, y1, x2, y2 pixels) of the corners (relative to the footprint's centre) placed
        at each ground centre."""
        camera = self._camera
        rotation = camera.rotation
        seen = (centres @ rotation[:, :2].T)[:, None, :] + ((corners - camera.centre) @ rotation.T)[None]
        depth = np.maximum(seen[..., 2], 1e-6)
        cx, cy = camera.principal
        u = cx + camera.focal_px * seen[..., 0] / depth
        v = cy + camera.focal_px * seen[..., 1] / depth
        return np.stack((u.min(axis=1), v.min(axis=1), u.max(axis=1), v.max(axis=1)), axis=1)


# The box's eight corners: (along, across, up) multipliers of half its length, half its width and its height.
_CORNERS = np.array([(a, b, z) for a in (-1, 1) for b in (-1, 1) for z in (0, 1)], float)
_UP = np.array([0.0, 0.0, 1.0])


def _spread_indices(total: int, kept: int) -> list[int]:
    """At most `kept` indices of `total`, evenly spread (the fit's cost grows with the samples)."""
    return [round(i * (total - 1) / (kept - 1)) for i in range(kept)] if total > kept else list(range(total))


def _speed(samples: Sequence[Sample], near: Matrix, along: Matrix) -> float | None:
    recent = [i for i, s in enumerate(samples) if s.time_s >= samples[-1].time_s - SPEED_WINDOW_S]
    times = np.array([samples[i].time_s for i in recent])
    if len(recent) < 2 or float(np.ptp(times)) <= 0:
        return None
    positions = near[recent] @ along
    slope = np.polyfit(times, positions, 1)[0]
    return round(abs(float(slope)) * 3.6, 1)


def hidden_bottoms(boxes: Sequence[Box]) -> list[bool]:
    """For each box of one frame, whether its bottom centre lies inside a box whose bottom is lower
    (a vehicle nearer the camera, standing between it and the road)."""
    hidden = []
    for box in boxes:
        x, y = _bottom(box)
        hidden.append(any(o[3] > y and o[0] <= x <= o[2] and o[1] <= y for o in boxes if o is not box))
    return hidden


def _bottom(box: Box) -> Point:
    return ((box[0] + box[2]) / 2, box[3])
