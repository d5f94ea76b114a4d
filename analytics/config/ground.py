"""A camera's ground calibration ([cameras.ground]): what turns boxes into metres and km/h.

The integrator gives either four or more points marked on the picture with their positions on the
ground in metres (`points`), or the four ends of two dashes facing each other across a lane
(`lane`): French markings standardise both the lane width and the dash period (a T1 dash and its
gap repeat every 13 m), so a painted road calibrates itself. The homography is computed when the
file is loaded; a calibration that cannot be trusted (points in a line, in a different order on the
picture and on the ground, or disagreeing with each other) is refused with the key that is wrong.
"""

from functools import cached_property
from typing import Annotated, Self

from pydantic import Field, model_validator

from analytics.config.cross_references import cross_reference_error
from analytics.config.strict_model import StrictModel
from analytics.geometry.coordinates import NormalisedPoint, Point
from analytics.geometry.ground import GroundPlane, fit_homography, homography_problem

Metres = Annotated[float, Field(ge=-10_000, le=10_000)]


class GroundPoint(StrictModel):
    image: NormalisedPoint = Field(description="Normalised [x, y] of the point on the picture.")
    ground: tuple[Metres, Metres] = Field(
        description="[x, y] of the same point on the road, metres, in any frame of reference of the road."
    )


class LaneMarkings(StrictModel):
    """Four ends of dashes: two on each side of one lane, one dash period apart along the road."""

    corners: tuple[NormalisedPoint, NormalisedPoint, NormalisedPoint, NormalisedPoint] = Field(
        description="Normalised [x, y] of: near left, near right, far right, far left (the same end"
        " of two dashes facing each other across the lane, then the same end of the next dashes)."
    )
    lane_width_m: float = Field(gt=0, le=10, description="Distance between the two lines' centres, metres.")
    dash_period_m: float = Field(
        13.0,
        gt=0,
        le=100,
        description="Distance along the road from one dash's end to the next's, metres (French T1: 3 m"
        " dash + 10 m gap = 13 m; T3: 3 + 1.33 = 4.33 m).",
    )

    def ground_points(self) -> list[Point]:
        w, p = self.lane_width_m, self.dash_period_m
        return [(0.0, 0.0), (w, 0.0), (w, p), (0.0, p)]


class GroundCalibration(StrictModel):
    image_size: tuple[Annotated[int, Field(ge=16, le=16384)], Annotated[int, Field(ge=16, le=16384)]] = Field(
        description="[width, height] in pixels of the picture analysed (what pixels per metre are counted in;"
        " the camera's focal length is recovered in them, assuming square pixels)."
    )
    points: list[GroundPoint] | None = Field(
        None,
        description="Four or more points of the road with their ground positions ([[cameras.ground.points]]).",
    )
    lane: LaneMarkings | None = Field(None, description="Or a lane's dashes ([cameras.ground.lane]).")

    @model_validator(mode="after")
    def _calibrates(self) -> Self:
        if (self.points is None) == (self.lane is None):
            raise ValueError("give either `points` or `lane`, not both nor neither")
        key = "points" if self.points is not None else "lane"
        image, ground = self._correspondences()
        problem = homography_problem([self._pixel(p) for p in image], ground)
        if problem is not None:
            raise cross_reference_error([((key,), problem)])
        return self

    def _correspondences(self) -> tuple[list[Point], list[Point]]:
        if self.lane is not None:
            return list(self.lane.corners), self.lane.ground_points()
        points = self.points or []
        return [p.image for p in points], [p.ground for p in points]

    def _pixel(self, point: Point) -> Point:
        return (point[0] * self.image_size[0], point[1] * self.image_size[1])

    @cached_property
    def plane(self) -> GroundPlane:
        image, ground = self._correspondences()
        return GroundPlane(fit_homography([self._pixel(p) for p in image], ground), self.image_size)
