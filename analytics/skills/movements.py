"""Turning movements and speed between two lines: where a counted vehicle came from, and how fast.

Pure: sightings and times in, passages out. A counting skill may name `origins`, other lines of its
camera (the entries of a junction, or the lanes upstream). Every origin line a subject crosses is
remembered as its latest `Passage`; when the subject then crosses the counting line (the exit),
its `line_cross` event says the origin and its direction. One event per vehicle and exit therefore
carries one origin–destination movement (`analytics.evaluation.turning_movements` tallies them);
a vehicle seen crossing no origin first has none (an unknown origin, not a guessed one).

**Speed between two lines.** On a calibrated camera each passage is placed on the ground between
the two sightings either side of the line: the anchor's step is mapped to the ground (where a
constant speed is a straight, evenly paced move, unlike on the picture) and cut by the line's ground
image, which gives the point and, pro rata, the instant of the passage. The speed is the ground
distance between the origin's passage and the exit's over the time between: exact for a vehicle
going straight at a steady speed between sightings; on a turning path the straight distance
is a chord, so the speed is a lower bound.
"""

from collections.abc import Mapping
from dataclasses import dataclass

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


def passage(line: str, crossing: Crossing, segment: Segment, plane: GroundPlane | None) -> Passage:
    """The crossing placed between its two sightings on the ground, or at its frame without a plane."""
    placed = None if plane is None or crossing.step is None else on_ground(plane, crossing.step, segment)
    if placed is None:
        return Passage(line, crossing.direction, crossing.at.time_s, None)
    time_s, ground = placed
    return Passage(line, crossing.direction, time_s, ground)


def on_ground(plane: GroundPlane, step: Step, segment: Segment) -> tuple[float, Point] | None:
    """Instant and ground point where the step, straight on the ground, meets the line's ground image."""
    p, q = plane.to_ground(step.before), plane.to_ground(step.beyond)
    a, b = plane.to_ground(segment[0]), plane.to_ground(segment[1])
    side_p = _cross(a, b, p)
    side_q = _cross(a, b, q)
    if side_p == side_q:
        return None
    fraction = side_p / (side_p - side_q)
    ground = (p[0] + fraction * (q[0] - p[0]), p[1] + fraction * (q[1] - p[1]))
    return step.before_s + fraction * (step.beyond_s - step.before_s), ground


def _cross(a: Point, b: Point, p: Point) -> float:
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])


def between(origin: Passage, exit_: Passage) -> dict[str, float]:
    """Ground distance and speed from one passage to the next; empty when they cannot be measured."""
    if origin.ground is None or exit_.ground is None or exit_.time_s - origin.time_s < MIN_BETWEEN_S:
        return {}
    metres = ((exit_.ground[0] - origin.ground[0]) ** 2 + (exit_.ground[1] - origin.ground[1]) ** 2) ** 0.5
    return {
        "line_distance_m": round(metres, 2),
        "line_speed_kmh": round(metres / (exit_.time_s - origin.time_s) * 3.6, 1),
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
