"""The mechanics loitering, intrusion and lane misuse share: visits to a zone and a time threshold."""

from abc import abstractmethod

from analytics.events import AnalyticsEvent, EventKind
from analytics.frame_tracks import FrameTracks
from analytics.geometry.coordinates import Polygon
from analytics.skills.base import Skill, ZoneSkillConfig
from analytics.skills.event_factory import EventFactory
from analytics.skills.subjects import SubjectTracker
from analytics.skills.visits import Instant, Visit, ZoneVisits


class ZoneDwellSkill(Skill):
    """Alerts once per visit when its presence reaches the threshold of the subject's class.

    Subclasses say what the threshold is and what the alert (and, optionally, its end) looks like.
    """

    def __init__(self, config: ZoneSkillConfig, camera_id: str, zone: Polygon, grace_s: float) -> None:
        self.config = config
        self._subjects = SubjectTracker(config.anchor, grace_s)
        self._visits = ZoneVisits(zone, grace_s)
        self._events = EventFactory(camera_id, config, zone=config.zone)

    @abstractmethod
    def threshold_s(self, class_name: str) -> float:
        """Seconds of presence before the alert."""

    @abstractmethod
    def alert(self, visit: Visit, now: Instant, events: EventFactory) -> AnalyticsEvent:
        """The event raised when the visit reaches the threshold."""

    def visit_ended(self, visit: Visit, events: EventFactory) -> list[AnalyticsEvent]:
        """Events closing an alerted visit; none unless the skill reports ends."""
        return []

    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        present, ended = self._visits.update(frame, self._subjects.update(frame))
        self._visits.forget_except(self._subjects.keys())
        now = Instant.of(frame)
        events = []
        for visit in ended:
            if visit.alerted:
                events += self.visit_ended(visit, self._events)
        for visit in present:
            if not visit.alerted and visit.dwell_s >= self.threshold_s(visit.subject.class_name):
                visit.alerted = True
                events.append(self.alert(visit, now, self._events))
        return events


class StartEndDwellSkill(ZoneDwellSkill):
    """A dwell alert that lasts: `start` when the threshold is reached, `end` when the visit ends."""

    kind: EventKind

    def alert(self, visit: Visit, now: Instant, events: EventFactory) -> AnalyticsEvent:
        threshold = self.threshold_s(visit.subject.class_name)
        return events.make(
            self.kind,
            "start",
            visit.subject,
            visit.first,
            now,
            dwell_s=round(visit.dwell_s, 2),
            threshold_s=threshold,
        )

    def visit_ended(self, visit: Visit, events: EventFactory) -> list[AnalyticsEvent]:
        threshold = self.threshold_s(visit.subject.class_name)
        return [
            events.make(
                self.kind,
                "end",
                visit.subject,
                visit.first,
                visit.last,
                dwell_s=round(visit.dwell_s, 2),
                threshold_s=threshold,
            )
        ]
