"""Normalised coordinate types shared by configs and skills (0–1 of frame width and height)."""

from typing import Annotated

from pydantic import AfterValidator, Field

Coordinate = Annotated[float, Field(ge=0.0, le=1.0)]
Point = tuple[Coordinate, Coordinate]


def _at_least_three(points: list[Point]) -> list[Point]:
    if len(points) < 3:
        raise ValueError(f"a polygon needs at least 3 points, got {len(points)}")
    return points


Polygon = Annotated[list[Point], AfterValidator(_at_least_three)]
Segment = tuple[Point, Point]
