"""The trust loop's API: what the bridge, the configuration box and `genetec-bridge trust` call.

Bridge side: `routing` gives an alert's routing in its skill's current mode, from memory (delivery then
leaves out the custom event and the alarm of a shadow skill), so that nothing is read or written before
the alert is in the outbox; `keep` then stores it for review, on the trust store's writer (`admit` does
both, for tools); `record_acknowledgement` turns an operator's acknowledgement of one of our alarms into
a verdict. The modes are cached: read at start (`refresh_modes`, again every few seconds by the bridge,
which sees a promotion made by `genetec-bridge trust` in another process), written through by
`promote` and `demote`. A skill whose mode was never stored goes out in its first mode until its
initialisation (`initialise_modes`) stores it.

One path to live: a skill goes live through the gate (a named person's promotion once its false-alert
rate is proven), or by a named, reasoned, audited decision: a promotion with a written reason (review
page, `genetec-bridge trust promote`), or the site file's `live_decided_by` and `live_reason` beside
`mode = "live"` for a new skill (audited as `skill.live_from_config` with that name as the actor).
`mode = "live"` alone, as an editor or a hand-written file may leave it, starts the skill in shadow
(audited as `skill.live_requested`); /status (`live_requested`) and the review page say that the
site file asks for live, pending a named decision.
Box side: `review_queue` / `review_item` (filtered by camera, skill, reviewed or not, period),
`record_verdict` and `take_back_verdict` (the review page's undo: only the reviewer's own verdict, the
one it replaced put back), `figures` (with the weekly series), `gate`, `promote` / `demote`,
`export_csv`; `status` for /status and /metrics.
Every verdict, verdict taken back, promotion, demotion and degradation is written to the audit trail. After each verdict
the watch judges the skill's last verdicts; a degraded live skill is logged for the maintainer once,
and sent back to shadow if the site asked for it.

The statistics of a skill (its rate's bounds, the gate, the watch) are computed when a verdict or a
mode change of that skill calls for them, and kept per skill (`JudgedCache`): /status and /metrics,
refreshed every second, and the review page reuse them. A new alert changes only a count: alerts are
counted once, then by the rows stored since (`AlertCounts`), again in full after a prune by this
process. A verdict given from another process (`genetec-bridge trust`) is seen when it changes the
skill's true or false count; a prune by another process, when this one restarts.
"""

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TextIO

from analytics.events import AnalyticsEvent
from analytics.skills.base import AlertRouting, Mode
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.delivery.alert_text import bookmark_text
from genetec_bridge.health.status import SkillTrust
from genetec_bridge.store_writer import LaterAudit
from genetec_bridge.trust.figures import (
    GateCheck,
    Judged,
    SkillFigures,
    gate_check,
    judged,
    skill_figures,
    tally,
    write_csv,
)
from genetec_bridge.trust.review import ReviewItem, review_item
from genetec_bridge.trust.store import Judgement, ModeState, TrustStore
from genetec_bridge.trust.verdicts import (
    FalseReason,
    Verdict,
    VerdictRecord,
    VerdictSource,
    verdict_for_acknowledgement,
)

log = logging.getLogger(__name__)

WATCH_ACTOR = "watch"
OPERATOR_ACTOR = "Security Desk operator"


class TrustError(ValueError):
    """A request the trust loop refuses; the message says why, for the person who made it."""


class GateClosed(TrustError):
    """Going live refused: the gate is closed and no written reason was given."""


@dataclass(frozen=True, slots=True)
class ConfiguredSkill:
    camera_id: str
    camera_name: str
    skill: str
    routing: AlertRouting


SkillKey = tuple[str, str]
# What a skill's statistics depend on: its mode, its true and false counts, and how many verdicts and
# mode changes this process made (a verdict replaced by another can leave both counts as they were).
Stamp = tuple[Mode, int, int, int]


class JudgedCache:
    """Each skill's `Judged` figures with the stamp they were computed for. Thread-safe: the health
    snapshot reads it from its worker thread while the box records verdicts from another."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changes: Counter[SkillKey] = Counter()
        self._kept: dict[SkillKey, tuple[Stamp, Judged]] = {}

    def changed(self, key: SkillKey) -> None:
        """A verdict or the mode of `key` changed in the store: its figures are computed again."""
        with self._lock:
            self._changes[key] += 1

    def changes(self) -> Counter[SkillKey]:
        """Read before the store: a change made meanwhile gives a later stamp, never a stale hit."""
        with self._lock:
            return self._changes.copy()

    def get(self, key: SkillKey, stamp: Stamp, compute: Callable[[], Judged]) -> Judged:
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = compute()
        with self._lock:
            self._kept[key] = (stamp, value)
        return value


class AlertCounts:
    """Each skill's alerts and live alerts, counted in full once (and after a prune), then by the rows
    stored since: a refresh every second reads a second's new alerts, not the year the store keeps."""

    def __init__(self, store: TrustStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._prunes = -1
        self._after = 0
        self._counts: dict[SkillKey, tuple[int, int]] = {}

    def read(self) -> dict[SkillKey, tuple[int, int]]:
        with self._lock:
            if self._store.prunes != self._prunes:
                self._prunes, self._after, self._counts = self._store.prunes, 0, {}
            self._after, added = self._store.alert_counts(self._after)
            for key, (alerts, live) in added.items():
                before = self._counts.get(key, (0, 0))
                self._counts[key] = (before[0] + alerts, before[1] + live)
            return dict(self._counts)


def first_mode(routing: AlertRouting) -> Mode:
    """A skill's mode before the trust store holds one: live only by the site file's named, reasoned
    decision (`live_decided_by`, `live_reason`); `mode = "live"` alone waits in shadow for a promotion."""
    return "live" if routing.decided_live else "shadow"


def is_alert(event: AnalyticsEvent, routing: AlertRouting) -> bool:
    """An event operators would see as an alert: a routed phase, except the `end` closing a routed start."""
    if event.phase not in routing.phases:
        return False
    return not (event.phase == "end" and "start" in routing.phases)


class TrustService:
    def __init__(
        self,
        site: SiteConfig,
        store: TrustStore | None = None,
        audit: AuditTrail | None = None,
        clock: Callable[[], float] = time.time,
        later_audit: LaterAudit | None = None,
    ) -> None:
        self._config = site.trust
        self.store = store or TrustStore(site.trust.store_path, clock)
        self.audit = audit or AuditTrail(site.audit.path)
        # The bridge's: audit lines of mode initialisations must not fail the write they follow.
        self._later_audit = later_audit
        self._clock = clock
        self._modes: dict[tuple[str, str], ModeState] = {}
        # Held while the store and the cache change together, so a refresh never puts back an old mode.
        self._modes_lock = threading.Lock()
        self.take_skills(site)
        self._degraded: set[tuple[str, str]] = set()
        self._watch_lock = threading.Lock()
        self._cache = JudgedCache()
        self._alert_counts = AlertCounts(self.store)

    def take_skills(self, site: SiteConfig) -> None:
        """The cameras and skills of a configuration, at start or applied without a restart (configuration
        box); in memory only: `initialise_modes` then gives a new skill its first mode from the config,
        and a known one keeps the mode the trust store holds."""
        self._skills = {
            (camera.id, skill.label): ConfiguredSkill(camera.id, camera.name, skill.label, skill.alert)
            for camera in site.cameras
            for skill in camera.running_skills()
            if skill.alert
        }
        self._camera_names = {camera.id: camera.name for camera in site.cameras}

    def close(self) -> None:
        self.store.close()

    # -- modes -------------------------------------------------------------------------------------

    def configured_skills(self) -> list[ConfiguredSkill]:
        return [self._skills[key] for key in sorted(self._skills)]

    def mode(self, camera_id: str, skill: str) -> ModeState:
        """The skill's current mode; the first time it is asked, the first mode the config gives
        (`first_mode`) is stored: live only by the site file's named, reasoned decision."""
        routing = self._configured(camera_id, skill).routing
        with self._modes_lock:
            state = self.store.mode(camera_id, skill)
            created = False
            if state is None:
                state, created = self.store.initialise_mode(
                    camera_id,
                    skill,
                    first_mode(routing),
                    routing.live_decided_by or "config",
                    routing.live_reason if routing.decided_live else None,
                )
            self._modes[camera_id, skill] = state
        if created and routing.mode == "live":
            self._audit_first_mode(camera_id, skill, state, routing)
        return state

    def asks_for_live(self, camera_id: str, skill: str) -> bool:
        """The site file says `mode = "live"` for this skill (decided or not): shown beside a skill that
        is in shadow, waiting for a named decision."""
        configured = self._skills.get((camera_id, skill))
        return configured is not None and configured.routing.mode == "live"

    def refresh_modes(self) -> None:
        """Read the configured skills' stored modes into the cache (a read: a full disk does not stop it)."""
        for camera_id, skill in list(self._skills):
            with self._modes_lock:
                state = self.store.mode(camera_id, skill)
                if state is not None:
                    self._modes[camera_id, skill] = state

    def initialise_modes(self) -> list[ModeState]:
        """Every configured skill's mode, stored from the config where none is; logs where they differ."""
        states = []
        for configured in self.configured_skills():
            state = self.mode(configured.camera_id, configured.skill)
            if state.mode != configured.routing.mode:
                log.info(
                    "skill %s on camera %s is %s (set by %s), not %s as in the config: the trust store keeps"
                    " promotions and demotions",
                    configured.skill,
                    configured.camera_name or configured.camera_id,
                    state.mode,
                    state.changed_by,
                    configured.routing.mode,
                )
            states.append(state)
        return states

    def promote(self, camera_id: str, skill: str, actor: str, reason: str | None = None) -> ModeState:
        """Go live. Without the gate open a written reason is required; both cases are audited."""
        current = self.mode(camera_id, skill)
        if current.mode == "live":
            raise TrustError(f"skill {skill} on camera {camera_id} is already live")
        gate = self.gate(camera_id, skill)
        reason = (reason or "").strip() or None
        if not gate.offered and reason is None:
            raise GateClosed(
                f"skill {skill} on camera {camera_id} has not proven a false-alert rate below"
                f" {gate.target:.0%}: {self._gate_summary(gate)}. Going live anyway needs a written reason."
            )
        state = self._set_mode(camera_id, skill, "live", actor, reason)
        self.audit.append(
            actor,
            "skill.promote" if gate.offered else "skill.promote_without_gate",
            f"{camera_id}/{skill}",
            {"reason": reason, "gate": self._gate_details(gate)},
        )
        log.info("skill %s on camera %s is live (%s): %s", skill, camera_id, actor, self._gate_summary(gate))
        return state

    def demote(self, camera_id: str, skill: str, actor: str, reason: str) -> ModeState:
        """Back to shadow; a written reason is required and audited."""
        if not reason.strip():
            raise TrustError("demoting a skill needs a written reason")
        if self.mode(camera_id, skill).mode == "shadow":
            raise TrustError(f"skill {skill} on camera {camera_id} is already in shadow")
        state = self._set_mode(camera_id, skill, "shadow", actor, reason.strip())
        self.audit.append(actor, "skill.demote", f"{camera_id}/{skill}", {"reason": reason.strip()})
        log.warning("skill %s on camera %s back to shadow (%s): %s", skill, camera_id, actor, reason.strip())
        return state

    # -- bridge side -------------------------------------------------------------------------------

    def routing(self, event: AnalyticsEvent, routing: AlertRouting) -> AlertRouting:
        """The routing to deliver the event with, in its skill's current mode, from memory alone: the mode
        last read from or written to the trust store, the config's first mode while the store has none."""
        state = self._modes.get((event.camera, event.skill))
        mode = state.mode if state is not None else first_mode(routing)
        return routing if routing.mode == mode else routing.model_copy(update={"mode": mode})

    def keep(self, routed: list[tuple[AnalyticsEvent, AlertRouting]]) -> None:
        """Keep the alerts among `routed` (with the routing each was delivered with) for review."""
        for event, routing in routed:
            if is_alert(event, routing):
                self.store.add_alert(
                    event, routing.mode, bookmark_text(event, routing) if routing.bookmark else None
                )

    def admit(self, event: AnalyticsEvent, routing: AlertRouting) -> AlertRouting:
        """`routing` with the mode read from the store, then `keep`: for tools, where nothing waits."""
        self.mode(event.camera, event.skill)
        effective = self.routing(event, routing)
        self.keep([(event, effective)])
        return effective

    def record_acknowledgement(
        self, event_id: str, ack_type: str | None, operator: str | None = None
    ) -> VerdictRecord | None:
        """The verdict an operator's acknowledgement of the alarm of `event_id` gives; None when its type
        is unknown (then it stays an acknowledgement only)."""
        verdict = verdict_for_acknowledgement(ack_type, self._config.false_alarm_acknowledgement)
        if verdict is None:
            log.warning(
                "acknowledgement of event %s has an unknown type %r: no verdict recorded", event_id, ack_type
            )
            return None
        return self.record_verdict(event_id, verdict, operator or OPERATOR_ACTOR, source="operator")

    # -- review ------------------------------------------------------------------------------------

    def review_queue(
        self,
        camera_id: str | None = None,
        skill: str | None = None,
        include_judged: bool = False,
        limit: int = 200,
        judged_only: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[ReviewItem]:
        """Alerts to review, newest first: those without a verdict, all with `include_judged`, those with
        one with `judged_only`; occurred in [since, until) when given."""
        alerts = self.store.alerts(
            camera_id,
            skill,
            not include_judged and not judged_only,
            limit,
            newest_first=True,
            judged_only=judged_only,
            since=since.timestamp() if since else None,
            until=until.timestamp() if until else None,
        )
        return [review_item(alert, self._camera_names.get(alert.event.camera, "")) for alert in alerts]

    def review_item(self, event_id: str) -> ReviewItem | None:
        alert = self.store.alert(event_id)
        return review_item(alert, self._camera_names.get(alert.event.camera, "")) if alert else None

    def record_verdict(
        self,
        event_id: str,
        verdict: Verdict,
        reviewer: str,
        reason: FalseReason | None = None,
        note: str | None = None,
        source: VerdictSource = "review",
    ) -> VerdictRecord:
        """Store (or replace) the verdict on one alert, audit it, then let the watch judge the skill.
        A reviewer's false verdict needs a reason; only false verdicts carry one."""
        if not reviewer.strip():
            raise TrustError("a verdict needs the reviewer's name")
        if verdict != Verdict.FALSE and reason is not None:
            raise TrustError("only a false alert has a reason")
        if verdict == Verdict.FALSE and reason is None and source == "review":
            raise TrustError("a false alert needs a reason: " + ", ".join(r.value for r in FalseReason))
        alert = self.store.alert(event_id)
        if alert is None:
            raise TrustError(f"no alert {event_id} in the trust store")
        record = VerdictRecord(
            event_id,
            verdict,
            reason,
            note,
            reviewer.strip(),
            source,
            datetime.fromtimestamp(self._clock(), UTC),
        )
        self.store.set_verdict(record)
        self._cache.changed((alert.event.camera, alert.event.skill))
        self.audit.append(
            record.reviewer,
            "alert.verdict",
            f"{alert.event.camera}/{alert.event.skill}/{event_id}",
            {
                "verdict": verdict.value,
                "reason": reason.value if reason else None,
                "note": note,
                "source": source,
                "previous": alert.verdict.verdict.value if alert.verdict else None,
            },
        )
        self._watch(alert.event.camera, alert.event.skill)
        return record

    def take_back_verdict(self, event_id: str, reviewer: str) -> VerdictRecord | None:
        """Undo `reviewer`'s verdict on one alert: it is removed and the verdict it replaced (if any)
        stands again; audited, then the skill's figures and watch follow. Refused when the alert's
        standing verdict is not one this reviewer gave in the review queue (someone judged it since).
        Returns the verdict now standing (None: the alert waits for review again)."""
        alert = self.store.alert(event_id)
        if alert is None:
            raise TrustError(f"no alert {event_id} in the trust store")
        given = alert.verdict
        if given is None or given.source != "review" or given.reviewer != reviewer.strip():
            by = f"{given.reviewer} ({given.source})" if given else "nobody"
            raise TrustError(f"the verdict on alert {event_id} is not yours to take back: given by {by}")
        standing = self.store.take_back_verdict(event_id)
        self._cache.changed((alert.event.camera, alert.event.skill))
        self.audit.append(
            given.reviewer,
            "alert.verdict_taken_back",
            f"{alert.event.camera}/{alert.event.skill}/{event_id}",
            {
                "verdict": given.verdict.value,
                "reason": given.reason.value if given.reason else None,
                "standing": standing.verdict.value if standing else None,
            },
        )
        self._watch(alert.event.camera, alert.event.skill)
        return standing

    # -- figures -----------------------------------------------------------------------------------

    def figures(self, camera_id: str | None = None, skill: str | None = None) -> list[SkillFigures]:
        """Per skill and camera (configured ones, and any the store still holds alerts of)."""
        keys = sorted(set(self._skills) | set(self.store.skills()))
        return [
            self._figures(c, s)
            for c, s in keys
            if (camera_id is None or c == camera_id) and (skill is None or s == skill)
        ]

    def gate(self, camera_id: str, skill: str) -> GateCheck:
        return gate_check(
            tally(self.store.judgements(camera_id, skill)).rate, self._config.target_false_alert_rate
        )

    def export_csv(self, out: TextIO) -> None:
        write_csv(self.figures(), out)

    def status(self) -> list[SkillTrust]:
        """What /status and /metrics show per skill and camera: the alerts counted as they are stored,
        the verdicts counted in one query, and each skill's statistics as kept since its last verdict
        or mode change."""
        changes = self._cache.changes()
        modes = self.store.modes()
        alerts = self._alert_counts.read()
        judged = self.store.verdict_counts()
        rows = []
        for key in sorted(set(self._skills) | set(modes) | set(alerts)):
            camera_id, skill = key
            mode = modes.get(key) or self._configured_mode(key)
            (count, live), (true, false, cannot_tell) = alerts.get(key, (0, 0)), judged.get(key, (0, 0, 0))
            verdicts = self._cache.get(
                key,
                (mode, true, false, changes[key]),
                partial(self._judged_from_store, camera_id, skill, mode),
            )
            rate = verdicts.gate.rate
            rows.append(
                SkillTrust(
                    camera_id=camera_id,
                    skill=skill,
                    mode=mode,
                    live_requested=mode == "shadow" and self.asks_for_live(camera_id, skill),
                    degraded=verdicts.watch.degraded,
                    alerts=count,
                    live_alerts=live,
                    verdicts_true=true,
                    verdicts_false=false,
                    verdicts_cannot_tell=cannot_tell,
                    false_alert_rate=rate.rate,
                    exact_upper=rate.exact_upper,
                    exact_lower=rate.exact_lower,
                    wilson_low=rate.wilson_low,
                    wilson_high=rate.wilson_high,
                    promotion_offered=verdicts.gate.offered,
                    recent_exact_lower=verdicts.watch.rate.exact_lower,
                    target=self._config.target_false_alert_rate,
                )
            )
        return rows

    # -- internals ---------------------------------------------------------------------------------

    def _set_mode(self, camera_id: str, skill: str, mode: Mode, actor: str, reason: str | None) -> ModeState:
        with self._modes_lock:
            state = self.store.set_mode(camera_id, skill, mode, actor, reason)
            self._modes[camera_id, skill] = state
        self._cache.changed((camera_id, skill))
        return state

    def _configured(self, camera_id: str, skill: str) -> ConfiguredSkill:
        configured = self._skills.get((camera_id, skill))
        if configured is None:
            known = ", ".join(f"{c}/{s}" for c, s in sorted(self._skills)) or "none"
            raise TrustError(
                f"no skill {skill!r} with an alert on camera {camera_id!r} (configured: {known})"
            )
        return configured

    def _configured_mode(self, key: SkillKey) -> Mode:
        configured = self._skills.get(key)
        return first_mode(configured.routing) if configured else "shadow"

    def _audit_first_mode(self, camera_id: str, skill: str, state: ModeState, routing: AlertRouting) -> None:
        """The site file asked for live: by a named decision (live at once, the name as the actor), or
        without one (in shadow, waiting for a promotion). Either way in the audit trail."""
        gate = self._gate_details(self.gate(camera_id, skill))
        audit = self._later_audit or self.audit
        if state.mode == "live":
            audit.append(
                state.changed_by,
                "skill.live_from_config",
                f"{camera_id}/{skill}",
                {"reason": state.reason, "gate": gate},
            )
            return
        audit.append("config", "skill.live_requested", f"{camera_id}/{skill}", {"gate": gate})
        log.warning(
            "skill %s on camera %s: the site file asks for live without live_decided_by and live_reason;"
            " it runs in shadow until someone promotes it (review page or `genetec-bridge trust promote`)",
            skill,
            camera_id,
        )

    def _judged(self, alerts: Sequence[Judgement], mode: Mode) -> Judged:
        return judged(alerts, mode, self._config.target_false_alert_rate, self._config.watch_verdicts)

    def _judged_from_store(self, camera_id: str, skill: str, mode: Mode) -> Judged:
        return self._judged(self.store.judgements(camera_id, skill), mode)

    def _figures(self, camera_id: str, skill: str) -> SkillFigures:
        key = (camera_id, skill)
        change = self._cache.changes()[key]
        state = self.store.mode(camera_id, skill)
        mode: Mode = state.mode if state else self._configured_mode(key)
        alerts = self.store.judgements(camera_id, skill)
        counts = tally(alerts)
        verdicts = self._cache.get(
            key, (mode, counts.true, counts.false, change), lambda: self._judged(alerts, mode)
        )
        return skill_figures(camera_id, self._camera_names.get(camera_id, ""), skill, mode, alerts, verdicts)

    def _watch(self, camera_id: str, skill: str) -> None:
        if (camera_id, skill) not in self._skills:
            return
        with self._watch_lock:
            figures = self._figures(camera_id, skill)
            key = (camera_id, skill)
            if not figures.watch.degraded:
                self._degraded.discard(key)
                return
            if key in self._degraded:
                return
            self._degraded.add(key)
            rate = figures.watch.rate
            summary = (
                f"{rate.false_alerts} false of its last {rate.judged} judged alerts: the false-alert rate is"
                f" above {figures.gate.target:.0%} with 95 % confidence (lower bound {rate.exact_lower:.1%})"
            )
            log.warning("skill %s on camera %s is DEGRADED: %s", skill, camera_id, summary)
            self.audit.append(WATCH_ACTOR, "skill.degraded", f"{camera_id}/{skill}", {"summary": summary})
            if self._config.demote_when_degraded:
                self.demote(
                    camera_id,
                    skill,
                    WATCH_ACTOR,
                    f"degraded, sent back to shadow by the site's rule: {summary}",
                )
                self._degraded.discard(key)

    @staticmethod
    def _gate_summary(gate: GateCheck) -> str:
        rate = gate.rate
        text = f"{rate.false_alerts} false of {rate.judged} judged alerts, upper bound {rate.exact_upper:.1%}"
        if gate.true_verdicts_needed is not None:
            text += (
                f"; {gate.true_verdicts_needed} more true verdict(s) with no false one would open the gate"
            )
        return text

    @staticmethod
    def _gate_details(gate: GateCheck) -> dict[str, object]:
        return {
            "offered": gate.offered,
            "target": gate.target,
            "false": gate.rate.false_alerts,
            "judged": gate.rate.judged,
            "exact_upper": round(gate.rate.exact_upper, 6),
        }
