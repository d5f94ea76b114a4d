"""Intrusion: an object of the watched classes enters a zone."""

from typing import Literal

from pydantic import Field

from analytics.events import AnalyticsEvent
from analytics.geometry.coordinates import Polygon
from analytics.skills.base import ZoneSkillConfig
from analytics.skills.event_factory import EventFactory
from analytics.skills.visits import Instant, Visit
from analytics.skills.zone_dwell import ZoneDwellSkill


class IntrusionConfig(ZoneSkillConfig):
    kind: Literal["intrusion"] = "intrusion"
    min_presence_s: float = Field(
        0.4, ge=0, description="Inertia: the object must stay this long inside before the entry counts."
    )
    grace_s: float = Field(1.0, ge=0, description="A visit survives a loss of the object this long.")


class IntrusionSkill(ZoneDwellSkill):
    """One `instant` per visit, dated at the entry (the visit's first frame), raised once the object
    has stayed `min_presence_s`: a single bad box never raises it, and the time of the alert is when
    the object really came in. The evidence's dwell is the presence that confirmed it."""

    def __init__(self, config: IntrusionConfig, camera_id: str, zone: Polygon) -> None:
        super().__init__(config, camera_id, zone, config.grace_s)
        self._config = config

    def threshold_s(self, class_name: str) -> float:
        return self._config.min_presence_s

    def alert(self, visit: Visit, now: Instant, events: EventFactory) -> AnalyticsEvent:
        return events.make(
            "intrusion",
            "instant",
            visit.subject,
            visit.first,
            visit.first,
            dwell_s=round(visit.dwell_s, 2),
            threshold_s=self._config.min_presence_s,
        )
