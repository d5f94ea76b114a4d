"""What the editor draws to check a camera's ground calibration ([cameras.ground]): a metric grid over
the picture, from the calibration's homography, and the pixels per metre across each counting line
(SWARM states its camera requirements that way).

The grid covers the ground the calibration's own points span, one step beyond: outside it the
homography extrapolates, and a grid there would look as trustworthy as one inside. Lines are cut where
they leave the picture (a line reaching the horizon would run off to infinity).

MIN_PIXELS_PER_METRE: vehicle_size.py tells a VL from a PL by length, with a 2 m band between
VL_MAX_LENGTH_M (5.5) and PL_MIN_LENGTH_M (7.5). A length is read from two box edges; taking each edge
as placed to about 2 pixels of the analysed picture (an assumption about the detector, not a
measurement), a length is good to about 4 pixels. Below 4 pixels per metre that is more than 1 m, half
the band: a 5.5 m van could read as a 7.5 m lorry. The editor warns below it.
"""

import math
from dataclasses import dataclass

from analytics.config.ground import GroundCalibration
from analytics.geometry.coordinates import Point
from analytics.skills.vehicle_size import PL_MIN_LENGTH_M, VL_MAX_LENGTH_M

LENGTH_ERROR_PX = 4.0  # two box edges, each placed to about 2 pixels
MIN_PIXELS_PER_METRE = LENGTH_ERROR_PX / ((PL_MIN_LENGTH_M - VL_MAX_LENGTH_M) / 2)
GRID_STEPS_M = (1.0, 5.0)
MAX_GRID_LINES = 400  # a 1 m grid over 200 m of road each way: beyond it the drawing is a grey wash
SAMPLES = 64  # points per grid line: the picture may be cut anywhere along it
INSIDE = (-0.01, 1.01)  # normalised picture bounds, with a hair of slack for rounding


@dataclass(frozen=True)
class LineResolution:
    line: str
    pixels_per_metre: float
    enough: bool  # at least MIN_PIXELS_PER_METRE


def resolutions(ground: GroundCalibration, lines: dict[str, tuple[Point, Point]]) -> list[LineResolution]:
    """Pixels per metre across each of `lines` (name -> normalised ends), at its middle."""
    found = []
    for name, segment in lines.items():
        density = ground.plane.pixels_per_metre_across(segment)
        found.append(LineResolution(name, round(density, 1), density >= MIN_PIXELS_PER_METRE))
    return found


def grid(ground: GroundCalibration, step_m: float) -> list[list[Point]]:
    """The grid's lines as polylines of normalised picture points, each cut to the picture."""
    if step_m not in GRID_STEPS_M:
        raise ValueError(f"step_m: one of {', '.join(f'{s:g}' for s in GRID_STEPS_M)}")
    plane = ground.plane
    metres = (
        ground.lane.ground_points() if ground.lane is not None else [p.ground for p in ground.points or []]
    )
    xs, ys = [p[0] for p in metres], [p[1] for p in metres]
    x0, x1 = math.floor(min(xs) / step_m) - 1, math.ceil(max(xs) / step_m) + 1
    y0, y1 = math.floor(min(ys) / step_m) - 1, math.ceil(max(ys) / step_m) + 1
    if (x1 - x0) + (y1 - y0) > MAX_GRID_LINES:
        raise ValueError(f"step_m: a {step_m:g} m grid over this calibration has too many lines: take 5")
    lines: list[list[Point]] = []
    for i in range(x0, x1 + 1):
        lines += _cut(
            [
                plane.to_image((i * step_m, y0 * step_m + (y1 - y0) * step_m * k / SAMPLES))
                for k in range(SAMPLES + 1)
            ]
        )
    for j in range(y0, y1 + 1):
        lines += _cut(
            [
                plane.to_image((x0 * step_m + (x1 - x0) * step_m * k / SAMPLES, j * step_m))
                for k in range(SAMPLES + 1)
            ]
        )
    return lines


def _cut(points: list[Point]) -> list[list[Point]]:
    """The runs of `points` inside the picture, each of two points or more."""
    runs: list[list[Point]] = [[]]
    for x, y in points:
        if INSIDE[0] <= x <= INSIDE[1] and INSIDE[0] <= y <= INSIDE[1]:
            runs[-1].append((round(x, 5), round(y, 5)))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]
