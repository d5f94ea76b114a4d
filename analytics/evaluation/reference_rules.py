"""Reference events of a perfect observer, derived from annotated trajectories by fixed rules.

The rules are those the PETS2009 reference events were made with, written once so that any zone
or line gets its reference, and no skill code is used (the reference cannot inherit a skill's
mistakes):
- a position is the bottom-centre of an annotated box; time is (frame − 1) / fps;
- a zone visit is continuous presence inside the polygon; absences of up to `max_gap_s` (1 s: out
  of the zone or not annotated) do not break it;
- `zone_enter`: the first frame of each visit;
- `loitering`: the first frame inside at which the visit has lasted the threshold (one per visit);
- `line_cross`: the frame at which the position is on the other side of the line from the previous
  annotated position, at most `max_gap_s` earlier, where the step between them passes through the
  drawn segment; `A->B` starts on the side where cross(B − A, P − A) > 0 (image coordinates).

An annotated box's bottom edge is not exact to a few pixels, and a foot is about a tenth of a
person's height long: a perfect observer cannot say whether feet within `tolerance` box heights of
a zone edge or a line are on one side or the other. So each kind is derived twice:
- *required* events: the edge band counts as outside the zone (a visit must go clearly in), and a
  crossing must go from clearly one side to clearly the other (hysteresis of the band) through the
  segment shortened by the band at both ends; an entry is dated at the first frame of the run
  inside the polygon that leads in, a crossing at the frame its side changed;
- *allowed* events: the band counts as inside, and every change of side through the segment
  lengthened by the band counts (the plain rules above, with edges widened).
A required event not reported is a miss; a report matching neither kind is a false alert; a report
matching only an allowed event (a graze of an edge, a step onto the line and back) is neither.
With `tolerance` 0 both are the plain rules, which reproduce the PETS reference events.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from analytics.evaluation.event_matching import Occurrence
from analytics.evaluation.track_frames import Trajectory
from analytics.geometry.coordinates import Point, Segment
from analytics.geometry.plane import (
    along_segment,
    crossable_edges,
    distance_to_edges,
    point_in_polygon,
    signed_distance,
    step_meets_line,
)

MAX_GAP_S = 1.0
TOLERANCE = 0.1  # box heights


@dataclass(frozen=True, slots=True)
class Reference:
    required: list[Occurrence]
    allowed: list[Occurrence]


@dataclass(frozen=True, slots=True)
class Visit:
    first: int
    last: int
    inside: list[int]  # frames counted inside, first to last
    clearly: list[int]  # of those, the frames clearly inside (out of the edge band)


def _visits(inside: list[int], clearly: set[int], in_polygon: set[int], max_gap_frames: int) -> list[Visit]:
    runs: list[list[int]] = []
    for frame in inside:
        if runs and frame - runs[-1][-1] <= max_gap_frames:
            runs[-1].append(frame)
        else:
            runs.append([frame])
    # Dated at the first frame inside the polygon itself (the band outside only joins the visit).
    return [
        Visit(
            next((f for f in run if f in in_polygon), run[0]), run[-1], run, [f for f in run if f in clearly]
        )
        for run in runs
    ]


def zone_visits(
    path: Trajectory, polygon: list[Point], max_gap_frames: int, tolerance: float = 0.0
) -> tuple[list[Visit], list[Visit], list[Visit]]:
    """Visits of one trajectory, as the band-tolerant observer sees them (a position in the band
    counts as inside, a visit ends once clearly out for longer than the gap), as the plain rules
    see them, and as the strict observer sees them (only clearly inside counts). Edges along the
    image border have no band: nothing is seen beyond them."""
    edges = crossable_edges(polygon)
    in_polygon, clearly, possibly = set(), set(), []
    for frame, point, height in path:
        inside = point_in_polygon(point, polygon)
        near = distance_to_edges(point, edges) < tolerance * height
        if inside:
            in_polygon.add(frame)
            if not near:
                clearly.add(frame)
        if inside or near:
            possibly.append(frame)
    tolerant = _visits(possibly, clearly, in_polygon, max_gap_frames)
    plain = _visits(sorted(in_polygon), in_polygon, in_polygon, max_gap_frames)
    return tolerant, plain, _visits(sorted(clearly), clearly, clearly, max_gap_frames)


def line_crossings(
    path: Trajectory, segment: Segment, max_gap_frames: int, tolerance: float = 0.0
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(frame, direction) of each crossing of the drawn segment by one trajectory: required and allowed."""
    length = math.dist(*segment)
    required, allowed = [], []
    side = 0  # the side the position was last clearly on; 0 when unknown
    changed_at: int | None = None  # the frame it left `side` through the segment, if it has
    previous: tuple[int, Point, float] | None = None
    for frame, point, height in path:
        band = tolerance * height
        signed = signed_distance(point, segment)
        if previous is not None and frame - previous[0] > max_gap_frames:
            previous, side, changed_at = None, 0, None  # unseen too long: its way in between is unknown
        if previous is not None and (previous[2] > 0) != (signed > 0):
            along = along_segment(step_meets_line(previous[1], previous[2], point, signed), segment) * length
            direction = "A->B" if previous[2] > 0 else "B->A"
            if -band <= along <= length + band:
                allowed.append((frame, direction))
            if side and (signed > 0) != (side > 0):
                changed_at = frame if band <= along <= length - band else None
            else:
                changed_at = None
        clear = 1 if signed > 0 and signed >= band else -1 if signed < 0 and -signed >= band else 0
        if clear and side and clear != side and changed_at is not None:
            required.append((changed_at, "A->B" if side > 0 else "B->A"))
        if clear:
            side, changed_at = clear, None if clear != side else changed_at
        previous = (frame, point, signed)
    return required, allowed


def reference_events(
    paths: Mapping[int, Trajectory],
    zones: Mapping[str, list[Point]],
    lines: Mapping[str, Segment],
    fps: float,
    dwell_s: Mapping[str, float],
    tolerance: float = TOLERANCE,
    max_gap_s: float = MAX_GAP_S,
) -> Reference:
    """zone_enter and loitering for every zone (loitering at the zone's `dwell_s`), line_cross for every line."""
    max_gap_frames = round(max_gap_s * fps)
    required: list[Occurrence] = []
    allowed: list[Occurrence] = []

    def time(frame: int) -> float:
        return (frame - 1) / fps

    for path in paths.values():
        for name, polygon in zones.items():
            tolerant, plain, strict = zone_visits(path, polygon, max_gap_frames, tolerance)
            for visit in tolerant:  # an entry is required once the feet went clearly in
                events = required if visit.clearly else allowed
                events.append(Occurrence("zone_enter", name, None, time(visit.first)))
            for visit in plain:  # where the band joined two plain visits, each entry is allowed
                allowed.append(Occurrence("zone_enter", name, None, time(visit.first)))
            # A loiterer is required when clearly inside for the threshold (dated from its entry
            # into the polygon, as the plain rules date it), allowed when the plain or the
            # band-tolerant visit lasted it.
            for visit in strict:
                if _reached(visit, visit.first, dwell_s[name], time) is not None:
                    entry = next(v for v in plain if v.first <= visit.first <= v.last)
                    frame = _reached(entry, entry.first, dwell_s[name], time)
                    required.append(Occurrence("loitering", name, None, time(frame or visit.last)))
            for visit in [*plain, *tolerant]:
                frame = _reached(visit, visit.first, dwell_s[name], time)
                if frame is not None:
                    allowed.append(Occurrence("loitering", name, None, time(frame)))
        for name, segment in lines.items():
            both_crossings = line_crossings(path, segment, max_gap_frames, tolerance)
            for events, crossings in zip((required, allowed), both_crossings, strict=True):
                events += [
                    Occurrence("line_cross", name, direction, time(frame)) for frame, direction in crossings
                ]
    return Reference(sorted(required, key=_order), sorted(allowed, key=_order))


def _reached(visit: Visit, since: int, dwell_s: float, time: Callable[[int], float]) -> int | None:
    """The first frame of the visit at which it has lasted `dwell_s` since `since`, if it has."""
    return next((f for f in visit.inside if time(f) - time(since) >= dwell_s), None)


def _order(occurrence: Occurrence) -> tuple[str, str, float]:
    return (occurrence.kind, occurrence.target, occurrence.time_s)
