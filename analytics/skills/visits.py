"""Zone visits: continuous presence of a subject in a zone, bridged over short absences.

A visit starts on the first frame a subject's anchor is inside the zone and ends once it has not
been seen inside for more than the grace period (gone, lost, or outside). Absences shorter than
that, and the time they last, belong to the visit: dwell is continuous wall-clock time from the
first to the latest frame inside, not a sum of the frames seen, so a person hidden behind a bus for
two seconds keeps the time they spent there.
"""

from dataclasses import dataclass, field
from datetime import datetime

from analytics.geometry import Point, point_in_polygon
from analytics.skills.subjects import Sighting, Subject
from analytics.tracks import FrameTracks


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

    @property
    def dwell_s(self) -> float:
        return self.last.time_s - self.first.time_s


class ZoneVisits:
    """Open visits of subjects to one zone."""

    def __init__(self, polygon: list[Point], grace_s: float) -> None:
        self._polygon = polygon
        self._grace_s = grace_s
        self._open: dict[int, Visit] = {}

    def update(self, frame: FrameTracks, sightings: list[Sighting]) -> tuple[list[Visit], list[Visit]]:
        """Visits with the subject inside in this frame, and visits that ended before this frame."""
        now = Instant.of(frame)
        present = []
        for sighting in sightings:
            if not point_in_polygon(sighting.anchor, self._polygon):
                continue
            visit = self._open.get(sighting.subject.key)
            if visit is None:
                visit = self._open[sighting.subject.key] = Visit(sighting.subject, now, now)
            visit.last = now
            present.append(visit)
        ended = [v for v in self._open.values() if now.time_s - v.last.time_s > self._grace_s]
        for visit in ended:
            del self._open[visit.subject.key]
        return present, ended
