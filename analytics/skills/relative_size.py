"""A vehicle's French class on a camera nobody calibrated: its size against a car's at its place.

Without a ground calibration no length can be measured (analytics.skills.vehicle_size), and a small
detector calls most lorries "car". But every camera films cars all day: the camera learns from its
own stream how big a car looks at each place of the picture (`CarScale`), and a counted vehicle
much bigger than a car at its place is a PL.

**The car scale.** Over a flat road a pinhole camera sees an upright extent h at depth d as f·h/d
pixels, and the row of a road point below the horizon is f·H/d (H the camera's height): the image
size of a vertical extent is affine in the image position (linear in the distance below the
horizon line; a rolled camera's horizon is tilted, hence the column). A box's height also takes
in the footprint's length foreshortened by the view, which shrinks as 1/d²: so the fitted car
height is a + b·column + c·row + e·row², the row and column those of the box's bottom centre (the
row² only when the car boxes cover `MIN_ROWS_QUADRATIC` rows of the grid: a side-on road's lanes
are two rows, and a curve through two would bulge between them on the cars' small differences).
It is fitted on the detector's `car` boxes of every frame (not only the counted ones, so that it
is ready within a minute of traffic): first a median regression (iteratively reweighted least
squares on absolute residuals), which a minority cannot drag far, then Tukey's biweight on the
residuals relative to the fit, which gives no weight at all to a box more than a quarter (or
`TUKEY_C` spreads) from a car's: the lorries, vans and merged boxes the detector also calls car
then do not lift the scale (a median alone sits a few per cent high under 15 % of them). A box
cut by the picture's edge is left out (the picture stops there, not the vehicle), and so is one
whose bottom a nearer box hides (`hidden_bottoms`: its place is unknown). Boxes are kept per cell
of a `GRID_CELLS`² grid of the picture, the latest `BOXES_PER_CELL` in each, so that a parked car
does not fill the memory with one place and the traffic of the last minutes keeps the whole road.
The fit is used only over the places it learned (held to their range: a quadratic does not
extrapolate), and it runs at a crossing, not per frame, and once ready only when a quarter of the
boxes held is new (`REFIT_SHARE`).

The fit is ready with `MIN_CAR_TRACKS` (20) distinct car tracks: if a fifth of the traffic the
detector calls car were big (more than on most roads: 10–15 % PL on French trunk roads, and vans),
10 or more of 20 being big has a chance of 0.26 % (binomial), and under half the median start
holds. Until then the camera classifies by the detector's class alone, as before.

**The measure and the thresholds**, from vehicle dimensions, never from a clip. A car 4.5 × 1.8 ×
1.5 m (length × width × height; cars are 4–5 m × 1.8 m × 1.5 m); the longest van of 3.5 t, a VL,
7.4 × 2.05 × 2.8 m; a common large van 6.0 × 2.05 × 2.6 m; the shortest common PL, a 7.5 t rigid
lorry, 7.5 × 2.5 × 3.3 m. Each projected by a pinhole camera 10 m up (the projection of the tests'
synthetic camera) at elevations 10° to 60° below the horizontal and azimuths from head-on to
side-on (0° to 90°; every degree and every 5°), the vehicle's image box divided by the car's at
the same place:

| measure | van 7.4 × 2.8 m, max | lorry 7.5 × 3.3 m, min | separates |
|---|---|---|---|
| box height | 1.77 (60°, head-on) | 1.81 (52°, 60° azimuth) | yes, by 2 % |
| √(width × height) | 1.70 (10°, side-on) | 1.68 (19°, 5° azimuth) | no |
| box width | 1.87 (60°, 85° azimuth) | 1.44 (10°, head-on) | no |

Only the box height separates them at every view: a lorry is taller than any van and its height
shows whatever the azimuth, while the width of a side-on view follows the length, which the two
nearly share. But 2 % is less than the car scale is known to: a site's median car differs from
4.5 × 1.5 m by some 5 %. So `PL_MIN_RATIO` (1.72) sits in the middle of the wider gap between the
common large van (1.41–1.63) and the lorry (1.81 or more; a bus 1.82 or more), 5 % from either;
the longest high-roof vans measure 1.49–1.77 and may count as PL where they exceed it (steep
head-on views). A detector truck or bus at most `VL_MAX_RATIO` (1.3) a car's height is a VL: a
5.5 × 2.0 × 1.9 m pick-up measures 1.19–1.25. Between the two ratios the detector's class decides
(as between the two lengths of analytics.skills.vehicle_size). Two cars side by side merged in
one box (4.5 × 4.4 × 1.5 m) measure 1.0 seen head-on (the merge widens the box, not its height)
but up to 1.95 side-on from above (one behind the other across the view): they stay VL head-on at
any elevation and side-on below about 40°, not above. A vehicle's ratio is the median over its
track's sightings, so one box cut by an occluder or a shadow does not make a lorry. Two-wheelers
and pedestrians keep the detector's class.

What remains assumed: a flat road and a road camera between 10° and 60°; a site's median car
within 5 % of 4.5 × 1.5 m; the detector's car boxes bound the car as the projection does.
"""

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analytics.geometry.coordinates import Box
from analytics.skills.vehicle_size import DETECTOR_CLASS, FrenchClass, Sample

PL_MIN_RATIO = 1.72
VL_MAX_RATIO = 1.3
MIN_CAR_TRACKS = 20
GRID_CELLS = 8
BOXES_PER_CELL = 50
# A box side this close to the picture's edge (normalised, about a pixel of a 640-pixel picture)
# is cut by it.
EDGE = 0.002
FIT_ITERATIONS = 30
MIN_ROWS_QUADRATIC = 3
# A ready scale is fitted again once this share of the boxes it holds is new: a road's cars do not
# change in seconds, and a fit on a full grid takes some 50 ms of a core.
REFIT_SHARE = 0.25
# Residuals below this share of the prediction weigh as much as this (the weights stay finite).
MIN_RESIDUAL = 1e-3
# Tukey's biweight: its usual constant (95 % efficiency), on a spread estimated from the median
# absolute deviation, and at least that of cars 4-5 m long, so that identical cars do not shrink it
# to nothing.
TUKEY_C = 4.685
MAD_TO_SIGMA = 1.4826
MIN_SPREAD = 0.05


@dataclass(frozen=True, slots=True)
class CarBox:
    track_id: int
    column: float  # bottom centre, normalised
    row: float
    height: float  # normalised


def whole(box: Box) -> bool:
    """Whether no side of the box lies on the picture's edge."""
    return box[0] > EDGE and box[1] > EDGE and box[2] < 1 - EDGE and box[3] < 1 - EDGE


@dataclass(frozen=True, slots=True)
class CarHeights:
    """The fitted car height over the places learned."""

    coefficients: np.ndarray
    quadratic: bool
    centre: np.ndarray  # the terms' mean
    lowest: np.ndarray  # (column, row)
    highest: np.ndarray

    def at(self, column: float, row: float) -> float | None:
        """The height there, held to the places learned (a quadratic does not extrapolate); None where
        it is no car's (above the road)."""
        place = np.clip(np.array([[column, row]]), self.lowest, self.highest)
        height = float((_design(place, self.quadratic, self.centre) @ self.coefficients)[0])
        return height if height > 0 else None


class CarScale:
    """The image height of a car at each place of the picture, learned from the detector's car boxes."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], deque[CarBox]] = {}
        self._fitted: CarHeights | None = None
        self._new = 0  # boxes added since the last fit

    def add(self, track_id: int, class_name: str, box: Box, hidden_bottom: bool) -> None:
        if class_name != "car" or hidden_bottom or not whole(box):
            return
        column, row = (box[0] + box[2]) / 2, box[3]
        cell = (min(int(column * GRID_CELLS), GRID_CELLS - 1), min(int(row * GRID_CELLS), GRID_CELLS - 1))
        kept = self._cells.setdefault(cell, deque(maxlen=BOXES_PER_CELL))
        kept.append(CarBox(track_id, column, row, box[3] - box[1]))
        self._new += 1

    def boxes_held(self) -> int:
        """How many car boxes are kept: bounded by the grid, however long the stream."""
        return sum(len(kept) for kept in self._cells.values())

    def height_at(self, column: float, row: float) -> float | None:
        """A car's box height (normalised) with its bottom centre there; None until the fit is ready,
        or where it predicts no car (above the road it learned)."""
        if self._new and (self._fitted is None or self._new >= REFIT_SHARE * self.boxes_held()):
            self._fitted = self._fit()
            self._new = 0
        return None if self._fitted is None else self._fitted.at(column, row)

    def _fit(self) -> CarHeights | None:
        boxes = [b for kept in self._cells.values() for b in kept]
        if len({b.track_id for b in boxes}) < MIN_CAR_TRACKS:
            return None
        places = np.array([(b.column, b.row) for b in boxes])
        # A row² needs three places in depth; a side-on road's lanes are two rows, and a curve fitted
        # through two would bulge between them on the cars' small differences.
        quadratic = len({row for _, row in self._cells}) >= MIN_ROWS_QUADRATIC
        centre = _terms(places, quadratic).mean(axis=0)
        design = _design(places, quadratic, centre)
        coefficients = _robust_fit(design, np.array([b.height for b in boxes]))
        return CarHeights(coefficients, quadratic, centre, places.min(axis=0), places.max(axis=0))


def _terms(places: np.ndarray, quadratic: bool) -> np.ndarray:
    """The terms of the fit at (column, row) places: column, row and, if quadratic, row²."""
    return np.c_[places, places[:, 1] ** 2] if quadratic else places


def _design(places: np.ndarray, quadratic: bool, centre: np.ndarray) -> np.ndarray:
    """A constant and the terms, centred (the fit's conditioning)."""
    return np.c_[np.ones(len(places)), _terms(places, quadratic) - centre]


def _robust_fit(design: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Coefficients of the heights over the design: the median first (a start that a minority
    cannot drag far), then the cars' own cluster (Tukey's biweight on residuals relative to the
    fit: a box TUKEY_C spreads, a quarter at least, from its prediction weighs nothing, so the vans
    and lorries called car do not lift the scale at all)."""
    weights = np.ones(len(heights))
    for iteration in range(2 * FIT_ITERATIONS):
        root = np.sqrt(weights)
        coefficients = np.linalg.lstsq(design * root[:, None], heights * root, rcond=None)[0]
        predicted = np.maximum(design @ coefficients, 1e-9)
        if iteration < FIT_ITERATIONS:
            weights = 1 / np.maximum(np.abs(heights - predicted), MIN_RESIDUAL * predicted)
        else:
            relative = (heights - predicted) / predicted
            spread = max(MAD_TO_SIGMA * float(np.median(np.abs(relative))), MIN_SPREAD)
            u = relative / (TUKEY_C * spread)
            weights = np.where(np.abs(u) < 1, (1 - u**2) ** 2, 0.0) / predicted**2
    return coefficients


def size_ratio(scale: CarScale, samples: Sequence[Sample]) -> float | None:
    """The track's box height over a car's at the same places (median over its whole, placed
    sightings); None where the scale is not ready or no sighting can be placed."""
    ratios = []
    for sample in samples:
        box = sample.box
        car = scale.height_at((box[0] + box[2]) / 2, box[3])
        if car is not None and whole(box) and not sample.hidden_bottom:
            ratios.append((box[3] - box[1]) / car)
    return round(float(np.median(ratios)), 2) if ratios else None


def relative_class(detected: str, ratio: float) -> FrenchClass:
    """The French class from the detector's class and the size ratio (see module)."""
    by_detector = DETECTOR_CLASS[detected]
    if by_detector not in ("VL", "PL"):
        return by_detector
    if ratio >= PL_MIN_RATIO:
        return "PL"
    return "VL" if ratio <= VL_MAX_RATIO else by_detector
