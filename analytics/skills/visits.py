"""Zone visits: continuous presence of a subject in a zone, bridged over short losses.

Membership has hysteresis: a subject enters once its anchor is clearly inside (`EDGE_MARGIN` box
heights past an edge; edges drawn along the image border do not count) and leaves once it is
clearly outside; in the band along the edge it keeps its state, so an anchor jittering on the edge
neither enters nor leaves over and over. A visit is dated from the frame the anchor crossed the
edge, not from the confirmation.

A visit ends once its subject has not been inside for more than the grace period (gone, lost), or
for more than `EXIT_AFTER_S` while seen clearly outside (past the band; feet seen in the band
again restart that count): the grace period bridges occlusions and id
switches, which say nothing of where the object is, but an object the camera sees outside has left,
and bridging that would join two visits (or two people one after the other at the same spot) into
one long dwell. Bridged absences belong to the visit: dwell is continuous wall-clock time from the
first to the latest frame inside, not a sum of the frames seen, so a person hidden behind a bus for
two seconds keeps the time they spent there.

A subject the tracker may still bring back continues its visit: while it is unseen since its last
frame inside, its visit lasts as long as the tracker can return its id (`TRACKER_RETURN_S`, when
that is longer than the grace period), because the tracker re-identifies it by position and
colours (see `subjects`). A person hidden behind a pillar for two seconds is one intrusion, not
two, and their dwell goes on. A grace period shorter than that still ends a visit whose subject
is seen but not inside (in the band after leaving), and an object seen clearly outside leaves as
above.

A visit that has ended is over, and each visit raises its events once. A visit lost for good ends
as its subject is forgotten (the same window), membership and all; a subject seen after leaving,
coming back later, starts a new visit, dated from its return, that must reach the skill's threshold again and
whose events have ids of their own. An operator who was told an occurrence ended is told about a
new one, never the old one again.
"""

from dataclasses import dataclass, field
from datetime import datetime

from analytics.frame_tracks import FrameTracks
from analytics.geometry.coordinates import Point
from analytics.geometry.plane import crossable_edges, distance_to_edges, point_in_polygon
from analytics.skills.subjects import TRACKER_RETURN_S, Sighting, Subject

# Frame-to-frame jitter of a bottom-centre anchor is a few percent of the box height (box fitting,
# stride); a wider band would also drop people walking along the edge who do step in.
EDGE_MARGIN = 0.05
# How long an object seen outside (clearly, with the margin) may be before its visit ends: long
# enough for a bad box or two, short enough that someone stepping away and someone else stepping in
# are two visits.
EXIT_AFTER_S = 1.0


@dataclass(frozen=True, slots=True)
class Instant:
    """When something happened: the source frame, its stream time and, live, its UTC time."""

    frame: int
    time_s: float
    timestamp: datetime | None

    @classmethod
    def of(cls, frame: FrameTracks) -> "Instant":
        return cls(frame.frame, frame.time_s, frame.timestamp)


@dataclass(slots=True)
class Visit:
    subject: Subject
    first: Instant
    last: Instant
    alerted: bool = field(default=False)
    seen_outside: bool = field(default=False)  # clearly, in the latest sighting: ends after EXIT_AFTER_S
    near_s: float = field(default=0.0)  # the latest time the subject was seen not clearly outside

    @property
    def dwell_s(self) -> float:
        return self.last.time_s - self.first.time_s


@dataclass(slots=True)
class _Presence:
    """One subject's membership of the zone."""

    inside: bool = False  # with hysteresis: changes only clearly past the edge
    crossed_in: Instant | None = None  # first frame of the anchor's current run inside the polygon


class ZoneVisits:
    """Open visits of subjects to one zone."""

    def __init__(self, polygon: list[Point], grace_s: float) -> None:
        self._polygon = polygon
        self._edges = crossable_edges(polygon)
        self._grace_s = grace_s
        self._exit_s = min(grace_s, EXIT_AFTER_S)
        self._presence: dict[int, _Presence] = {}
        self._open: dict[int, Visit] = {}

    def update(self, frame: FrameTracks, sightings: list[Sighting]) -> tuple[list[Visit], list[Visit]]:
        """Visits with the subject inside in this frame, and visits that ended before this frame."""
        now = Instant.of(frame)
        present = []
        for sighting in sightings:
            key = sighting.subject.key
            visit = self._open.get(key)
            inside, clearly_outside = self._inside(sighting, now)
            if not inside:
                if visit is not None:
                    # Only a sighting clearly outside is evidence of leaving; feet seen back in the
                    # edge band (a box shrunk behind someone, a jittering anchor) restart the count.
                    visit.seen_outside = clearly_outside
                    if not clearly_outside:
                        visit.near_s = now.time_s
                continue
            if visit is None:
                entry = self._presence[key].crossed_in or now
                visit = self._open[key] = Visit(sighting.subject, entry, now)
            visit.last = now
            visit.near_s = now.time_s
            visit.seen_outside = False
            present.append(visit)
        ended = [v for v in self._open.values() if self._has_left(v, now.time_s)]
        for visit in ended:
            del self._open[visit.subject.key]
        return present, ended

    def forget_except(self, keys: set[int]) -> None:
        """Drop the membership of subjects no longer followed."""
        for key in [k for k in self._presence if k not in keys]:
            del self._presence[key]

    def _inside(self, sighting: Sighting, now: Instant) -> tuple[bool, bool]:
        """Inside (with hysteresis), and clearly outside (past the band) in this sighting."""
        presence = self._presence.setdefault(sighting.subject.key, _Presence())
        in_polygon = point_in_polygon(sighting.anchor, self._polygon)
        if not in_polygon:
            presence.crossed_in = None
        elif presence.crossed_in is None:
            presence.crossed_in = now
        box = sighting.subject.box
        clear = distance_to_edges(sighting.anchor, self._edges) >= EDGE_MARGIN * (box[3] - box[1])
        if clear:
            presence.inside = in_polygon
        return presence.inside, clear and not in_polygon

    def _has_left(self, visit: Visit, now_s: float) -> bool:
        """Not inside for longer than the grace period (and, unseen since, beyond the tracker's
        return window), or seen clearly outside for `EXIT_AFTER_S` since last seen inside or in the band."""
        if visit.seen_outside:
            return now_s - visit.near_s > self._exit_s
        if now_s - visit.last.time_s <= self._grace_s:
            return False
        unseen_since_inside = visit.subject.last_seen_s <= visit.last.time_s
        return not unseen_since_inside or now_s - visit.last.time_s > TRACKER_RETURN_S
