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

**Speed** comes from the fitted box, not from a point of the picture: each sighting places the
fitted box on the road (its image box's bottom centre on the seen one), and the box's front, a fixed
point of the vehicle, gives a `GroundPath` of the vehicle over time. The box's bottom centre is not
such a point: seen obliquely it slides along the footprint's near side as the view angle changes,
which made speeds 3–7 % low at 45°. The speed is the derivative, at the instant asked for (the
front's passage over the counting line: the speed at the line), of a constant-acceleration fit
(least squares) of the front's position along the heading over the last `SPEED_WINDOW_S` seconds,
so one bad box does not make a speed and an accelerating vehicle gets its speed at the line, not
its mean over the window (a straight line through fewer than `MIN_CURVED_SAMPLES` sightings or
over less than `MIN_CURVED_SPAN_S`). On
the synthetic camera of the tests (masts of 6, 10 and 20 m; head-on, 45° and side-on; boxes rounded
to the pixel) it is within 1 % of the true speed, where the bottom centre was 3–7 % low on the
oblique views. It is only as good as the fitted box: where the views are too alike to fix the
height and the class's typical one is held, a vehicle taller than that is placed a little off at
each sighting (a 3.6 m lorry held to 3.2 m, side-on under a 20 m mast: 2 % high). Where
no box can be fitted (no recovered camera, no sighting that can be placed) the speed is today's
measure, the same fit of the box's bottom centre projected on the road, and `Measure.speed_from`
says which (`fitted_box` or `anchor`). Every sighting kept (`counting.SAMPLES_SPAN_S` seconds) is
placed, in one vectorised pass after the fit: the cost stays one fit per counted vehicle.

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
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import OptimizeResult, least_squares

from analytics.geometry.coordinates import Box, Point, Segment
from analytics.geometry.ground import Camera, GroundPlane, Matrix
from analytics.skills.movements import meets

FrenchClass = Literal["VL", "PL", "2RM", "vélo", "piéton"]
ClassifiedBy = Literal["size_and_detector", "relative_size", "detector"]
SpeedFrom = Literal["fitted_box", "anchor"]

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
# Below this many sightings in the window, or over a shorter time, a curve would follow the boxes'
# jitter, not the vehicle: a straight line. In one second a vehicle accelerating at 2 m/s² (a brisk
# car) gains 7 km/h, about what two pixels of jitter make of a curve's slope over a shorter track.
MIN_CURVED_SAMPLES = 5
MIN_CURVED_SPAN_S = 1.0
# A counted vehicle's front may not have reached the counting line at its last sighting (the box's
# bottom corner, which the count follows, leads the front's centre on an oblique view by up to about
# its width): that far, its passage is where its speed takes it.
MAX_AHEAD_M = 2.0


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
class GroundPath:
    """Where one fixed point of the vehicle stood on the road at each sighting that placed it."""

    plane: GroundPlane
    times_s: Matrix
    points: Matrix  # (n, 2) metres
    along: Matrix  # unit vector, the direction of travel

    def passage(self, line: Segment) -> tuple[float, Point] | None:
        """Instant and ground point of the first meeting with the line's ground image (straight and
        steady between sightings, or just ahead of the last: `MAX_AHEAD_M`); None when the sightings
        kept do not cover it."""
        ground = (self.plane.to_ground(line[0]), self.plane.to_ground(line[1]))
        points = [(float(x), float(y)) for x, y in self.points]
        for i in range(len(points) - 1):
            fraction = meets(points[i], points[i + 1], ground)
            if fraction is not None:
                (px, py), (qx, qy) = points[i], points[i + 1]
                time_s = self.times_s[i] + fraction * (self.times_s[i + 1] - self.times_s[i])
                return float(time_s), (px + fraction * (qx - px), py + fraction * (qy - py))
        return self._ahead(ground)

    def _ahead(self, line: tuple[Point, Point]) -> tuple[float, Point] | None:
        """Where the point, going on at its speed, meets a line it has not quite reached."""
        (ax, ay), (bx, by) = line
        normal = np.array([ay - by, bx - ax])
        closing = float(self.along @ normal)
        last_s = float(self.times_s[-1])
        speed = self.speed_ms(last_s)
        if closing == 0 or not speed:
            return None
        ahead = float((np.array([ax, ay]) - self.points[-1]) @ normal) / closing
        if not 0 <= ahead <= MAX_AHEAD_M:
            return None
        x, y = self.points[-1] + ahead * self.along
        return last_s + ahead / speed, (float(x), float(y))

    def speed_kmh(self, at_s: float) -> float | None:
        """Speed at `at_s` (held within the last `SPEED_WINDOW_S`), see module."""
        speed = self.speed_ms(at_s)
        return None if speed is None else round(speed * 3.6, 1)

    def speed_ms(self, at_s: float) -> float | None:
        recent = self.times_s >= self.times_s[-1] - SPEED_WINDOW_S
        times, positions = self.times_s[recent], self.points[recent] @ self.along
        if len(times) < 2 or float(np.ptp(times)) <= 0:
            return None
        curved = len(times) >= MIN_CURVED_SAMPLES and float(np.ptp(times)) >= MIN_CURVED_SPAN_S
        degree = 2 if curved else 1
        at = min(max(at_s, float(times[0])), float(times[-1])) - float(times[-1])
        return abs(float(np.polyval(np.polyder(np.polyfit(times - times[-1], positions, degree)), at)))


@dataclass(frozen=True, slots=True)
class Measure:
    length_m: float | None
    height_m: float | None  # only when the views separated it from the length
    speed_kmh: float | None
    speed_from: SpeedFrom | None = None
    # The fitted box's front over time (None without a fit): where and when it passed a line.
    front: GroundPath | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class FittedBox:
    """The box the fit found: dimensions in metres, heading in radians on the ground."""

    length_m: float
    width_m: float
    height_m: float
    heading_rad: float
    height_fixed: bool  # the views fixed the height (otherwise it is the class's typical one)


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


def measure(plane: GroundPlane, samples: Sequence[Sample], line: Segment | None = None) -> Measure:
    """Length, height and speed of one vehicle from its track (oldest sample first); the speed at its
    passage over `line` where given and covered, else at its last sighting."""
    samples = [s for s in samples if not s.hidden_bottom] or samples
    if not samples:
        return Measure(None, None, None)
    near = np.array([plane.to_ground(_bottom(s.box)) for s in samples])
    path = near[-1] - near[0]
    moved = float(np.linalg.norm(path))
    times = np.array([s.time_s for s in samples])
    anchor = GroundPath(plane, times, near, path / moved) if moved >= MIN_PATH_M else None
    camera = plane.camera
    if camera is None:
        return Measure(None, None, *_speed(anchor, "anchor", line))
    heading = path / moved if moved >= MIN_PATH_M else near[-1] - camera.centre[:2]
    fit = CuboidFit(camera, plane.image_size, heading / np.linalg.norm(heading), detector_class(samples))
    kept = _spread_indices(len(samples), MAX_FITTED_SAMPLES)
    box = fit.solve([samples[i] for i in kept])
    if box is None:
        return Measure(None, None, *_speed(anchor, "anchor", line))
    front = fit.front(box, samples, plane) if anchor is not None else None
    speed = _speed(front, "fitted_box", line) if front is not None else _speed(anchor, "anchor", line)
    height = round(box.height_m, 2) if box.height_fixed else None
    return Measure(round(box.length_m, 2), height, *speed, front)


def _speed(
    path: GroundPath | None, source: SpeedFrom, line: Segment | None
) -> tuple[float | None, SpeedFrom | None]:
    """The path's speed at its passage over the line (at its last sighting without one) and its source."""
    if path is None:
        return None, None
    passed = None if line is None else path.passage(line)
    speed = path.speed_kmh(float(path.times_s[-1]) if passed is None else passed[0])
    return speed, None if speed is None else source


class CuboidFit:
    """The box of a vehicle on its heading whose image boxes best match a track's (see module)."""

    def __init__(self, camera: Camera, image_size: tuple[int, int], heading: Matrix, detected: str) -> None:
        self._camera = camera
        self._size = np.array([*image_size, *image_size], float)
        self._heading = math.atan2(heading[1], heading[0])
        self._width, self._height = TYPICAL_SIZE_M.get(detected, TYPICAL_SIZE_M["car"])

    def solve(self, samples: Sequence[Sample]) -> FittedBox | None:
        """The box whose image boxes best match the sightings; None when no sighting can be placed."""
        _, seen, inside = self._placeable(samples)
        if not len(seen):
            return None
        kept = inside[:, 1]
        anchors = _anchors(seen)
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
        fixed = float(np.sqrt(max(covariance[2, 2], 0.0))) <= MAX_HEIGHT_SIGMA_M
        # Where the views are too alike to tell a long low vehicle from a short tall one: the class's height.
        length, width, height, turn = (free if fixed else self._fit(residuals, TYPICAL_HEIGHT_SIGMA_M)).x
        return FittedBox(float(length), float(width), float(height), self._heading + float(turn), fixed)

    def front(self, box: FittedBox, samples: Sequence[Sample], plane: GroundPlane) -> GroundPath | None:
        """The fitted box's front on the road at each sighting that can be placed (see module)."""
        placed, seen, _ = self._placeable(samples)
        if not len(seen):
            return None
        along = np.array([math.cos(box.heading_rad), math.sin(box.heading_rad)])
        corners = self._corners(box.length_m, box.width_m, box.height_m, box.heading_rad)
        centres = self._placed_centres(_anchors(seen), box.length_m, corners, along)
        times = np.array([s.time_s for s in samples])[placed]
        return GroundPath(plane, times, centres + along * box.length_m / 2, along)

    def _placeable(self, samples: Sequence[Sample]) -> tuple[Matrix, Matrix, Matrix]:
        """Which sightings can place the vehicle on the road, their image boxes (pixels), and which of
        their sides (left, top, right, bottom) are inside the picture."""
        seen = np.array([s.box for s in samples], float) * self._size
        # A side on the picture's edge is where the picture stops, not the vehicle; a frame whose
        # bottom or sides are cut cannot place the vehicle on the road.
        inside = np.c_[seen[:, :2] > EDGE_PX, seen[:, 2:] < self._size[2:] - EDGE_PX]
        placed = inside[:, [0, 2, 3]].all(axis=1)
        return placed, seen[placed], inside[placed]

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
        bottom centre falls on its anchor pixel."""
        corners = self._corners(length, width, height, heading)
        along = np.array([math.cos(heading), math.sin(heading)])
        return self._boxes(self._placed_centres(anchors, length, corners, along), corners)

    @staticmethod
    def _corners(length: float, width: float, height: float, heading: float) -> Matrix:
        """The box's eight corners relative to its footprint's centre, metres."""
        along = np.array([math.cos(heading), math.sin(heading), 0.0])
        across = np.array([-along[1], along[0], 0.0])
        return (
            _CORNERS[:, :1] * length / 2 * along
            + _CORNERS[:, 1:2] * width / 2 * across
            + _CORNERS[:, 2:] * height * _UP
        )

    def _placed_centres(self, anchors: Matrix, length: float, corners: Matrix, along: Matrix) -> Matrix:
        """Footprint centres (ground metres) placing each image box's bottom centre on its anchor pixel:
        a few steps of moving the footprint by the ground distance between where its bottom centre
        lands and where it should."""
        target = self._ground(anchors[:, 0], anchors[:, 1])
        centres = target + along * length / 2
        for _ in range(PLACING_STEPS):
            boxes = self._boxes(centres, corners)
            centres = centres + target - self._ground((boxes[:, 0] + boxes[:, 2]) / 2, boxes[:, 3])
        return centres

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


def _anchors(seen: Matrix) -> Matrix:
    """The image boxes' bottom centres, pixels."""
    return np.stack(((seen[:, 0] + seen[:, 2]) / 2, seen[:, 3]), axis=1)


def _spread_indices(total: int, kept: int) -> list[int]:
    """At most `kept` indices of `total`, evenly spread (the fit's cost grows with the samples)."""
    return [round(i * (total - 1) / (kept - 1)) for i in range(kept)] if total > kept else list(range(total))


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
