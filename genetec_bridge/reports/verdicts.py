"""What the report shows of the trust loop for a month, per camera and skill: the alerts kept for review,
how many were reviewed, the false-alert rate with its 95 % interval, the mode at the end of the period,
and the promotions and demotions of the month.

Alerts are those that occurred in the month, with the verdict they carry now (a verdict given early the
next month still counts for the month's alert). The mode and its changes come from the audit trail,
where every promotion and demotion is recorded; with none there, the store's current mode is the mode.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from analytics.evaluation.rates import RateInterval
from analytics.skills.base import Mode
from genetec_bridge.audit.trail import AuditEntry
from genetec_bridge.trust.figures import tally
from genetec_bridge.trust.store import TrustStore

# Audit actions that change a skill's mode, and the mode each leads to.
MODE_CHANGES: dict[str, Mode] = {
    "skill.promote": "live",
    "skill.promote_without_gate": "live",
    "skill.demote": "shadow",
}


@dataclass(frozen=True)
class ModeChange:
    at: datetime
    mode: Mode
    actor: str
    without_gate: bool


@dataclass(frozen=True)
class SkillVerdicts:
    camera_id: str
    skill: str
    mode: Mode  # at the end of the period: "shadow" (review only) or "live" (raised in Security Center)
    alerts: int  # kept for review
    reviewed: int  # with a verdict, "cannot tell" included
    rate: RateInterval  # false of the true and false verdicts
    changes: list[ModeChange]  # promotions and demotions in the period


def month_verdicts(
    store: TrustStore, audit: Iterable[AuditEntry], start: datetime, until: datetime
) -> list[SkillVerdicts]:
    """Per camera and skill the store knows, the figures of the alerts that occurred in [start, until)."""
    changes: dict[tuple[str, str], list[tuple[AuditEntry, datetime]]] = {}
    for entry in audit:
        if entry.action in MODE_CHANGES and "/" in entry.subject:
            camera, skill = entry.subject.split("/", 1)
            changes.setdefault((camera, skill), []).append((entry, datetime.fromisoformat(entry.at)))
    lines = []
    for camera, skill in store.skills():
        judgements = [j for j in store.judgements(camera, skill) if start <= j.occurred_at < until]
        counts = tally(judgements)
        history = changes.get((camera, skill), [])
        current = store.mode(camera, skill)
        lines.append(
            SkillVerdicts(
                camera_id=camera,
                skill=skill,
                mode=_mode_at(until, history, current.mode if current else "shadow"),
                alerts=counts.alerts,
                reviewed=counts.alerts - counts.unjudged,
                rate=counts.rate,
                changes=[
                    ModeChange(
                        at, MODE_CHANGES[entry.action], entry.actor, entry.action.endswith("without_gate")
                    )
                    for entry, at in history
                    if start <= at < until
                ],
            )
        )
    return lines


def _mode_at(moment: datetime, history: list[tuple[AuditEntry, datetime]], current: Mode) -> Mode:
    """The mode at `moment`: the one the last change before it led to; before any change, the opposite of
    what the first change led to; with no change at all, the current one."""
    before = [MODE_CHANGES[entry.action] for entry, at in history if at < moment]
    if before:
        return before[-1]
    if history:
        return "shadow" if MODE_CHANGES[history[0][0].action] == "live" else "live"
    return current
