"""Pure plane geometry in normalised image coordinates (x right, y down, 0–1 of width and height)."""

import math
from collections.abc import Sequence

from analytics.geometry.coordinates import Anchor, Box, Point, Segment


def anchor_point(box: Box, anchor: Anchor = Anchor.BOTTOM_CENTER) -> Point:
    """The point of a box tested against zones and lines.

    Bottom-centre is where a person or a vehicle touches the ground, so a zone drawn on the ground
    is entered when the object stands in it, not when its head overlaps it.
    """
    x1, y1, x2, y2 = box
    x = (x1 + x2) / 2
    match Anchor(anchor):
        case Anchor.BOTTOM_CENTER:
            return (x, y2)
        case Anchor.CENTER:
            return (x, (y1 + y2) / 2)


def box_size(box: Box) -> float:
    """A box's diagonal: the scale movements are measured against, whatever the object's distance."""
    x1, y1, x2, y2 = box
    return math.hypot(x2 - x1, y2 - y1)


def distance(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def point_in_polygon(point: Point, polygon: Sequence[Point]) -> bool:
    """Even-odd ray casting; a point exactly on an edge may fall either way, which anchors tolerate."""
    x, y = point
    inside = False
    previous = polygon[-1]
    for current in polygon:
        (xa, ya), (xb, yb) = previous, current
        if (ya > y) != (yb > y) and x < xa + (y - ya) * (xb - xa) / (yb - ya):
            inside = not inside
        previous = current
    return inside


def distance_to_boundary(point: Point, polygon: Sequence[Point]) -> float:
    """Distance from the point to the nearest edge of the polygon that can be crossed.

    Edges drawn along the image border are left out: nothing is seen beyond them, and an object
    coming into view there is already in the zone.
    """
    return distance_to_edges(point, crossable_edges(polygon))


def crossable_edges(polygon: Sequence[Point]) -> list[tuple[Point, Point]]:
    """The polygon's edges that are not drawn along the image border (see `distance_to_boundary`)."""
    points = list(polygon)
    return [
        (a, b) for a, b in zip(points[-1:] + points[:-1], points, strict=True) if not _on_image_border(a, b)
    ]


def distance_to_edges(point: Point, edges: Sequence[tuple[Point, Point]]) -> float:
    """Distance from the point to the nearest of the edges; infinite when there are none."""
    return min((_distance_to_segment(point, a, b) for a, b in edges), default=math.inf)


def _on_image_border(a: Point, b: Point) -> bool:
    return any(a[axis] == b[axis] and a[axis] in (0.0, 1.0) for axis in (0, 1))


def _distance_to_segment(point: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length_sq = dx * dx + dy * dy
    t = 0.0 if length_sq == 0 else ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / length_sq
    t = min(1.0, max(0.0, t))
    return distance(point, (a[0] + t * dx, a[1] + t * dy))


def signed_distance(point: Point, segment: Segment) -> float:
    """Distance from the line through A and B, positive where cross(B − A, P − A) > 0.

    With image coordinates (y down) that is the side on the right of an observer walking from A to
    B as seen on screen; a crossing 'A->B' starts on the positive side.
    """
    (xa, ya), (xb, yb) = segment
    length = math.hypot(xb - xa, yb - ya)
    return ((xb - xa) * (point[1] - ya) - (yb - ya) * (point[0] - xa)) / length


def along_segment(point: Point, segment: Segment) -> float:
    """Position of the point's projection on the segment: 0 at A, 1 at B, outside [0, 1] beyond."""
    (xa, ya), (xb, yb) = segment
    dx, dy = xb - xa, yb - ya
    return ((point[0] - xa) * dx + (point[1] - ya) * dy) / (dx * dx + dy * dy)


def side_with_hysteresis(signed: float, previous: int, margin: float) -> int:
    """+1 or −1 once the point is at least `margin` beyond the line; the previous side inside the band.

    The band is what stops an anchor jittering on the line, or a car creeping in stop-and-go
    traffic, from flipping sides (and being counted) on every frame. 0 means not yet known.
    """
    if signed >= margin:
        return 1
    if signed <= -margin:
        return -1
    return previous


def step_meets_line(a: Point, da: float, b: Point, db: float) -> Point:
    """Where the step from a to b meets the line they are on either side of (signed distances da
    and db, see `signed_distance`); b itself when both are on the same side."""
    if (da > 0) == (db > 0) or da == db:
        return b
    t = da / (da - db)
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
