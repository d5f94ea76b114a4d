"""Turning movements and speed between two lines: where a counted vehicle came from, and how fast.

Pure: sightings and times in, passages out. A counting skill may name `origins`, other lines of its
camera (the entries of a junction, or the lanes upstream). Every origin line a subject crosses is
remembered as its latest `Passage`; when the subject then crosses the counting line (the exit),
its `line_cross` event says the origin and its direction. One event per vehicle and exit therefore
carries one origin–destination movement (`analytics.evaluation.turning_movements` tallies them);
a vehicle seen crossing no origin first has none (an unknown origin, not a guessed one).

**Speed between two lines.** On a calibrated camera each passage is placed on the ground between
the two sightings either side of the line: a point's step is mapped to the ground (where a
constant speed is a straight, evenly paced move, unlike on the picture) and cut by the line's ground
image, which gives the point and, pro rata, the instant of the passage. The point is the front of
the box fitted to the vehicle (analytics.skills.vehicle_size), placed at each sighting: a fixed
point of the vehicle, where the box's bottom centre (the anchor) slides along the footprint as an
oblique view turns. The front, because a passage is when the vehicle reaches the line, as red
light dates its straddling moment by the front (analytics.skills.red_light). The fit runs when the
vehicle is counted on the exit line, on the sightings kept (`counting.SAMPLES_SPAN_S`; a front not
quite at the exit line yet is taken on at its speed, `vehicle_size.MAX_AHEAD_M`): where they no
longer cover the origin's passage (a slow vehicle, a long way between the lines), or where no box
could be fitted, both passages are the anchor's, placed when each line was crossed, and
`line_speed_from` says so. The speed is the ground distance between the origin's passage and the
exit's over the time between: exact for a vehicle going straight at a steady speed between
sightings; for one accelerating, its mean speed between the lines; on a turning path the straight
distance is a chord, so the speed is a lower bound.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from analytics.frame_tracks import FrameTracks
from analytics.geometry.coordinates import Point, Segment
from analytics.geometry.ground import GroundPlane
from analytics.skills.crossings import Crossing, LineSides, Step
from analytics.skills.subjects import Sighting

# Two passages closer in time than this give no speed: a division by a few milliseconds would turn
# a pixel of jitter into hundreds of km/h.
MIN_BETWEEN_S = 0.2


@dataclass(frozen=True, slots=True)
class Passage:
    """A subject's crossing of one line: which, which way, when, and where on the ground if known."""

    line: str
    direction: str
    time_s: float
    ground: Point | None
    segment: Segment  # the line's, on the picture


class FrontPath(Protocol):
    """A fixed point of the vehicle over time (vehicle_size.GroundPath)."""

    def passage(self, line: Segment) -> tuple[float, Point] | None: ...


def passage(line: str, crossing: Crossing, segment: Segment, plane: GroundPlane | None) -> Passage:
    """The crossing placed between its two sightings on the ground, or at its frame without a plane."""
    placed = None if plane is None or crossing.step is None else on_ground(plane, crossing.step, segment)
    if placed is None:
        return Passage(line, crossing.direction, crossing.at.time_s, None, segment)
    time_s, ground = placed
    return Passage(line, crossing.direction, time_s, ground, segment)


def on_ground(plane: GroundPlane, step: Step, segment: Segment) -> tuple[float, Point] | None:
    """Instant and ground point where the step, straight on the ground, meets the line's ground image."""
    p, q = plane.to_ground(step.before), plane.to_ground(step.beyond)
    fraction = meets(p, q, (plane.to_ground(segment[0]), plane.to_ground(segment[1])))
    if fraction is None:
        return None
    ground = (p[0] + fraction * (q[0] - p[0]), p[1] + fraction * (q[1] - p[1]))
    return step.before_s + fraction * (step.beyond_s - step.before_s), ground


def meets(p: Point, q: Point, line: tuple[Point, Point]) -> float | None:
    """How far along the ground step p → q it meets the (ground) line, 0–1; None when it does not."""
    side_p, side_q = _cross(*line, p), _cross(*line, q)
    if (side_p > 0) == (side_q > 0):
        return None
    return side_p / (side_p - side_q)


def _cross(a: Point, b: Point, p: Point) -> float:
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])


def between(origin: Passage, exit_: Passage, front: FrontPath | None = None) -> dict[str, object]:
    """Ground distance and speed from one passage to the next, by the vehicle's front where its path
    covers both (see module); empty when they cannot be measured."""
    fronts = (None, None) if front is None else (front.passage(origin.segment), front.passage(exit_.segment))
    source = "anchor"
    if fronts[0] is not None and fronts[1] is not None:
        origin = replace(origin, time_s=fronts[0][0], ground=fronts[0][1])
        exit_ = replace(exit_, time_s=fronts[1][0], ground=fronts[1][1])
        source = "fitted_box"
    if origin.ground is None or exit_.ground is None or exit_.time_s - origin.time_s < MIN_BETWEEN_S:
        return {}
    metres = ((exit_.ground[0] - origin.ground[0]) ** 2 + (exit_.ground[1] - origin.ground[1]) ** 2) ** 0.5
    return {
        "line_distance_m": round(metres, 2),
        "line_speed_kmh": round(metres / (exit_.time_s - origin.time_s) * 3.6, 1),
        "line_speed_from": source,
    }


class OriginLines:
    """The latest origin line each subject crossed."""

    def __init__(self, lines: Mapping[str, Segment], margin: float, plane: GroundPlane | None) -> None:
        self._segments = dict(lines)
        self._sides = {name: LineSides(segment, margin) for name, segment in lines.items()}
        self._plane = plane
        self._latest: dict[int, Passage] = {}

    def update(self, frame: FrameTracks, sightings: list[Sighting]) -> None:
        for name, sides in self._sides.items():
            for crossing in sides.update(frame, sightings):
                self._latest[crossing.subject.key] = passage(
                    name, crossing, self._segments[name], self._plane
                )

    def take(self, subject_key: int) -> Passage | None:
        """The subject's origin, once: a later exit needs a new origin crossing."""
        return self._latest.pop(subject_key, None)

    def forget_except(self, keys: set[int]) -> None:
        for sides in self._sides.values():
            sides.forget_except(keys)
        for key in [k for k in self._latest if k not in keys]:
            del self._latest[key]
