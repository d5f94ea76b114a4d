"""Subjects: the objects a skill follows, stable across the tracker's short losses and id switches.

Trackers lose an object for a few frames (occlusion, a missed detection) and often bring it back
under a new id; a dwell timer keyed on the tracker id would restart and a line would be crossed
again. A subject keeps the first tracker id it was seen with (the id events report) and absorbs a
new tracker id that appears, within the grace period, close to where a subject of the same class
was last seen and is not seen any more.

A subject is remembered longer than the grace period: as long as the tracker may bring its id back
after an occlusion (`TRACKER_RETURN_S`, the tracker's `lost_track_s`). The tracker re-identifies
that id by position and colours, which is stronger evidence than nearness alone, so an id coming
back continues its subject (a line keeps its side, a crossing made while hidden still counts);
only the merging of a *new* id by nearness is limited to the grace period.

Riding through (`RideThrough`, red light's subjects only): a rider filtering between queued cars is
hidden behind one for a second or so and comes back under a new id well ahead of where it was last
seen, out of nearness' reach. A moving rider's subject is then looked for where its speed would have
taken it (its last anchor plus its velocity over its last sightings times the time lost), for up to
`RideThrough.within_s`, within a gate of half a box height plus half the distance it would have
travelled (it may have slowed down or sped up by half). Boxes, classes and times only, no
appearance: each new id takes the subject whose expected position is closest, so two riders whose
paths cross while hidden keep their own subjects. A subject seen again after more than the grace
period where its motion would have taken it, under a new id or its own brought back by the
tracker, remembers when (`bridged_s`): a skill that demands to see a step can tell a step made
through a motion-consistent occlusion from an id that came back after anything could have happened.
"""

import itertools
import math
from collections import deque
from dataclasses import dataclass, field

from analytics.frame_tracks import FrameTracks, TrackedObject
from analytics.geometry.coordinates import Anchor, Box, Point
from analytics.geometry.plane import anchor_point, distance
from analytics.tracking.tracker import TrackerConfig

# How far a lost object may have gone, in heights of its last box: half a height at once (box
# jitter of the new detection) plus one height per second lost (a walker covers about 0.8 of their
# height per second; a car far less of its own size at urban speeds seen from a mast).
REACH_AT_ONCE = 0.5
REACH_PER_SECOND = 1.0
POSITIONS_KEPT = 5
# Tracker ids a subject remembers: the first (the one its events report) and the latest ones. A car
# parked for days goes through an id switch at every missed detection or relighting; all of them
# would grow the subject and every event payload without bound.
TRACK_IDS_KEPT = 8

TRACKER_RETURN_S = TrackerConfig().lost_track_s
# A rider is moving, for riding through, above this speed in its box heights per second: slower,
# its velocity over a few sightings is box jitter, and where it is expected is where it was.
RIDING_HEIGHTS_PER_S = 0.5
# Share of the distance it would have travelled while hidden by which a rider may be off its
# expected position: half, for a rider slowing down or speeding up by half behind a car.
RIDE_SLACK = 0.5


@dataclass(frozen=True, slots=True)
class RideThrough:
    """Which subjects may be followed through an occlusion by their motion, and for how long."""

    classes: frozenset[str]
    within_s: float


@dataclass(slots=True)
class Subject:
    key: int  # unique among the skill's subjects; tracker ids may come back and must not collide
    class_name: str
    box: Box
    anchor: Point
    last_seen_s: float
    track_ids: list[int] = field(default_factory=list)
    positions: deque[Point] = field(default_factory=lambda: deque(maxlen=POSITIONS_KEPT))
    trail: deque[tuple[float, Point]] = field(default_factory=lambda: deque(maxlen=POSITIONS_KEPT))
    bridged_s: float | None = None  # the latest sighting that ended a ride through an occlusion

    def see(self, obj: TrackedObject, anchor: Point, time_s: float) -> None:
        self.box = obj.box
        self.anchor = anchor
        self.last_seen_s = time_s
        self.positions.append((round(anchor[0], 4), round(anchor[1], 4)))
        self.trail.append((time_s, anchor))
        if obj.track_id not in self.track_ids:
            self.track_ids.append(obj.track_id)
            if len(self.track_ids) > TRACK_IDS_KEPT:
                del self.track_ids[1]  # the oldest but the first

    @property
    def track_id(self) -> int:
        """The first tracker id the subject was seen with: the one its events report."""
        return self.track_ids[0]

    def reach(self, lost_s: float) -> float:
        height = self.box[3] - self.box[1]
        return height * (REACH_AT_ONCE + REACH_PER_SECOND * lost_s)

    def velocity(self) -> Point:
        """The anchor's velocity per second over the sightings kept; none before a second sighting."""
        if len(self.trail) < 2:
            return (0.0, 0.0)
        (t0, (x0, y0)), (t1, (x1, y1)) = self.trail[0], self.trail[-1]
        return ((x1 - x0) / (t1 - t0), (y1 - y0) / (t1 - t0))

    def riding(self) -> bool:
        speed = math.hypot(*self.velocity())
        return speed >= RIDING_HEIGHTS_PER_S * (self.box[3] - self.box[1])


@dataclass(frozen=True, slots=True)
class Sighting:
    """A subject seen in the current frame, with the anchor point of its box."""

    subject: Subject
    anchor: Point


class SubjectTracker:
    """Maps tracker ids to subjects, re-associating new ids with recently lost subjects."""

    def __init__(self, anchor: Anchor, grace_s: float, ride_through: RideThrough | None = None) -> None:
        self._anchor = anchor
        self._grace_s = grace_s
        self._ride_through = ride_through
        self._subjects: dict[int, Subject] = {}
        self._by_track: dict[int, Subject] = {}
        self._serial = itertools.count(1)

    def update(self, frame: FrameTracks) -> list[Sighting]:
        now = frame.time_s
        self._forget_older_than(now - max(self._grace_s, TRACKER_RETURN_S))
        sightings: list[Sighting] = []
        newcomers: list[tuple[TrackedObject, Point]] = []
        for obj in frame.objects:
            anchor = anchor_point(obj.box, self._anchor)
            subject = self._by_track.get(obj.track_id)
            # A subject is one object: once it has taken a new id, its old id coming back (the
            # tracker recovered it, or gave it to someone else) is somebody else.
            if subject is None or subject.last_seen_s == now:
                newcomers.append((obj, anchor))
            else:
                self._note_ride(subject, anchor, now)
                subject.see(obj, anchor, now)
                sightings.append(Sighting(subject, anchor))
        for obj, anchor in newcomers:
            subject = self._lost_near(obj.class_name, anchor, now) or self._new_subject(obj, anchor)
            self._note_ride(subject, anchor, now)
            for track_id in subject.track_ids:
                self._by_track.pop(track_id, None)
            subject.see(obj, anchor, now)
            self._by_track[obj.track_id] = subject
            sightings.append(Sighting(subject, anchor))
        return sightings

    def keys(self) -> set[int]:
        """Keys of the subjects still remembered (their tracker id may come back)."""
        return set(self._subjects)

    def _lost_near(self, class_name: str, anchor: Point, now: float) -> Subject | None:
        """The subject of the class not seen in this frame that is closest to where it is expected,
        within its gate, if any."""
        candidates = []
        for subject in self._subjects.values():
            lost_s = now - subject.last_seen_s
            expected = self._expected(subject, lost_s) if subject.class_name == class_name else None
            if expected is not None and lost_s > 0 and distance(expected[0], anchor) <= expected[1]:
                candidates.append((distance(expected[0], anchor), subject))
        return min(candidates, key=lambda pair: pair[0])[1] if candidates else None

    def _note_ride(self, subject: Subject, anchor: Point, now: float) -> None:
        """Marks a subject seen again, after more than the grace period, where its motion would have
        taken it: under a new id or under its own, which the tracker brought back."""
        lost_s = now - subject.last_seen_s
        if lost_s <= self._grace_s:
            return
        expected = self._expected(subject, lost_s)
        if expected is not None and distance(expected[0], anchor) <= expected[1]:
            subject.bridged_s = now

    def _expected(self, subject: Subject, lost_s: float) -> tuple[Point, float] | None:
        """Where a subject lost for `lost_s` is looked for and how far from there it may be: where
        it was, within the grace period; a moving rider that may ride through, where its motion
        would have taken it (see the module docstring). None once lost too long."""
        ride = self._ride_through
        if ride is not None and subject.class_name in ride.classes and subject.riding():
            if lost_s > ride.within_s:
                return None
            (vx, vy), height = subject.velocity(), subject.box[3] - subject.box[1]
            expected = (subject.anchor[0] + vx * lost_s, subject.anchor[1] + vy * lost_s)
            return expected, REACH_AT_ONCE * height + RIDE_SLACK * math.hypot(vx, vy) * lost_s
        return (subject.anchor, subject.reach(lost_s)) if lost_s <= self._grace_s else None

    def _new_subject(self, obj: TrackedObject, anchor: Point) -> Subject:
        subject = Subject(next(self._serial), obj.class_name, obj.box, anchor, last_seen_s=float("-inf"))
        self._subjects[subject.key] = subject
        return subject

    def _forget_older_than(self, limit_s: float) -> None:
        for key in [k for k, s in self._subjects.items() if s.last_seen_s < limit_s]:
            subject = self._subjects.pop(key)
            for track_id in subject.track_ids:
                self._by_track.pop(track_id, None)
