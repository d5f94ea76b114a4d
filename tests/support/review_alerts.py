"""Alerts put in a box's trust store the way the bridge does (`TrustService.admit`), for the review page's
tests: a few of the example site's shadow loitering skill, each with a short track."""

from analytics.events import AnalyticsEvent
from genetec_bridge.trust.service import ConfiguredSkill, TrustService
from tests.support.trust_sites import alert

SHADOW_LOITERING = "Porch at night"  # the example site's loitering skill, shadow from the file


def shadow_skill(trust: TrustService) -> ConfiguredSkill:
    return next(s for s in trust.configured_skills() if s.skill == SHADOW_LOITERING)


def admit_alerts(trust: TrustService, count: int) -> list[AnalyticsEvent]:
    """`count` start events of the shadow skill, admitted oldest first (the queue shows newest first)."""
    skill = shadow_skill(trust)
    events = []
    for index in range(count):
        template = alert(index)
        event = template.model_copy(
            update={
                "camera": skill.camera_id,
                "skill": skill.skill,
                "zone": "Porch",
                "evidence": template.evidence.model_copy(
                    update={"positions": [(0.1 + 0.02 * step, 0.9 - 0.03 * step) for step in range(6)]}
                ),
            }
        )
        trust.admit(event, skill.routing)
        events.append(event)
    return events
