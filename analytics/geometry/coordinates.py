"""The one geometry vocabulary: points, boxes, polygons, segments and anchors, in normalised image
coordinates (x right, y down, 0–1 of frame width and height).

`Point` and `Box` are what computations pass around; `NormalisedPoint`, `Polygon` and `Segment` are
what configs hold, validated to lie inside the frame.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""(x1, y1, x2, y2)."""

Coordinate = Annotated[float, Field(ge=0.0, le=1.0)]
NormalisedPoint = tuple[Coordinate, Coordinate]


def _at_least_three(points: list[NormalisedPoint]) -> list[NormalisedPoint]:
    if len(points) < 3:
        raise ValueError(f"a polygon needs at least 3 points, got {len(points)}")
    return points


Polygon = Annotated[list[NormalisedPoint], AfterValidator(_at_least_three)]
Segment = tuple[NormalisedPoint, NormalisedPoint]


class Anchor(StrEnum):
    """The point of a box tested against zones and lines."""

    BOTTOM_CENTER = "bottom_center"
    CENTER = "center"
