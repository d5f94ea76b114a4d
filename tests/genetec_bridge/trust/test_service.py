"""The trust loop without Security Center: modes that survive restarts, the review store, verdicts,
the promotion gate at its boundary, the watch, figures and their CSV, all audited."""

import csv
import io
import logging
from pathlib import Path

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.trust.service import GateClosed, TrustError, TrustService
from genetec_bridge.trust.verdicts import FalseReason, Verdict
from tests.support.trust_sites import CAMERA, INTRUSION, LOITERING, alert, trust_site

SHADOW = AlertRouting(custom_event_id=5000, bookmark=True)


def judged(service: TrustService, verdicts: list[Verdict], skill: str = LOITERING, start: int = 0) -> None:
    routing = service.configured_skills()[[s.skill for s in service.configured_skills()].index(skill)].routing
    for offset, verdict in enumerate(verdicts):
        event = alert(start + offset, skill)
        service.admit(event, routing)
        reason = FalseReason.ZONE_EDGE_JITTER if verdict == Verdict.FALSE else None
        service.record_verdict(event.id, verdict, "Ana", reason)


def actions(trail: AuditTrail) -> list[str]:
    return [entry.action for entry in trail.entries()]


def test_shadow_alerts_are_kept_with_evidence_and_where_to_find_them(tmp_path: Path) -> None:
    service = TrustService(trust_site(tmp_path))
    event = alert(3, INTRUSION)
    routing = service.admit(event, service.configured_skills()[0].routing)

    assert routing.mode == "shadow"
    [item] = service.review_queue()
    assert item.event_id == event.id and item.mode == "shadow" and item.verdict is None
    assert item.event.evidence.positions == [(0.5, 0.6), (0.51, 0.61)]
    assert item.event.class_name == "person" and item.event.zone == "Parvis"
    desk = item.security_desk
    assert (desk.camera_id, desk.camera_name, desk.at) == (CAMERA, "Parvis", event.timestamp)
    assert desk.archive_from < desk.at < desk.archive_to
    assert desk.bookmark_text == "Shadow, review only: Intrusion person, zone Parvis"

    service.record_verdict(event.id, Verdict.CANNOT_TELL, "Ana", note="too dark")
    assert service.review_queue() == []
    [judged_item] = service.review_queue(include_judged=True)
    assert judged_item.verdict is not None and judged_item.verdict.verdict == Verdict.CANNOT_TELL
    entry = service.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.details["verdict"]) == ("Ana", "alert.verdict", "cannot_tell")


def test_verdicts_are_checked(tmp_path: Path) -> None:
    service = TrustService(trust_site(tmp_path))
    event = alert(1)
    service.admit(event, service.configured_skills()[1].routing)
    with pytest.raises(TrustError, match="needs a reason"):
        service.record_verdict(event.id, Verdict.FALSE, "Ana")
    with pytest.raises(TrustError, match="only a false alert"):
        service.record_verdict(event.id, Verdict.TRUE, "Ana", FalseReason.OTHER)
    with pytest.raises(TrustError, match="no alert"):
        service.record_verdict("nope", Verdict.TRUE, "Ana")
    # The latest verdict counts: a reviewer may overrule an operator.
    service.record_acknowledgement(event.id, "Nack", "op1")
    service.record_verdict(event.id, Verdict.TRUE, "Ana")
    [figures] = service.figures(skill=LOITERING)
    assert (figures.tally.true, figures.tally.false) == (1, 0)
    assert [e.details["previous"] for e in service.audit.entries()] == [None, "false"]


def test_go_live_is_refused_at_28_true_verdicts_and_offered_at_29(tmp_path: Path) -> None:
    site = trust_site(tmp_path)
    service = TrustService(site)
    judged(service, [Verdict.TRUE] * 28 + [Verdict.CANNOT_TELL])

    gate = service.gate(CAMERA, LOITERING)
    assert not gate.offered and gate.true_verdicts_needed == 1
    assert gate.rate.exact_upper == pytest.approx(1 - 0.05 ** (1 / 28))
    with pytest.raises(GateClosed, match="needs a written reason"):
        service.promote(CAMERA, LOITERING, "Paul")

    judged(service, [Verdict.TRUE], start=100)
    gate = service.gate(CAMERA, LOITERING)
    assert gate.offered and gate.rate.exact_upper == pytest.approx(1 - 0.05 ** (1 / 29))
    service.promote(CAMERA, LOITERING, "Paul")
    entry = service.audit.entries()[-1]
    assert (entry.actor, entry.action) == ("Paul", "skill.promote")
    assert entry.details["gate"]["judged"] == 29 and entry.details["gate"]["offered"] is True
    service.close()

    # A restart keeps the promotion; the config (shadow) only gave the first mode.
    restarted = TrustService(site)
    assert restarted.mode(CAMERA, LOITERING).mode == "live"
    assert restarted.admit(alert(200), SHADOW).mode == "live"
    assert AuditTrail(site.audit.path).verify() == []


def test_going_live_without_the_gate_needs_a_written_reason(tmp_path: Path) -> None:
    service = TrustService(trust_site(tmp_path))
    judged(service, [Verdict.TRUE] * 5)
    with pytest.raises(GateClosed):
        service.promote(CAMERA, LOITERING, "Paul", reason="   ")
    service.promote(CAMERA, LOITERING, "Paul", reason="festival week, technician on site")
    entry = service.audit.entries()[-1]
    assert entry.action == "skill.promote_without_gate"
    assert entry.details["reason"] == "festival week, technician on site"
    with pytest.raises(TrustError, match="written reason"):
        service.demote(CAMERA, LOITERING, "Paul", " ")
    service.demote(CAMERA, LOITERING, "Paul", "festival over")
    assert service.mode(CAMERA, LOITERING).mode == "shadow"
    assert actions(service.audit)[-1] == "skill.demote"


def test_live_from_config_is_audited_and_the_watch_judges_the_last_verdicts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = TrustService(trust_site(tmp_path, loitering_mode="live", watch_verdicts=10))
    service.initialise_modes()
    assert actions(service.audit) == ["skill.live_from_config"]
    # 2 false in the last 10 verdicts: lower bound 0.037, not above 10 %; the 40 true before do not count.
    judged(service, [Verdict.TRUE] * 40 + [Verdict.TRUE] * 8 + [Verdict.FALSE] * 2)
    [figures] = service.figures(skill=LOITERING)
    assert figures.watch.rate.judged == 10 and not figures.watch.degraded
    caplog.set_level(logging.WARNING, logger="genetec_bridge.trust.service")
    judged(service, [Verdict.FALSE] * 2, start=100)  # 4 false of the last 10: lower bound 0.150
    [figures] = service.figures(skill=LOITERING)
    assert figures.watch.degraded and figures.watch.rate.exact_lower > 0.10
    assert caplog.text.count("is DEGRADED") == 1  # told once, not at every verdict
    assert "skill.degraded" in actions(service.audit)
    assert service.mode(CAMERA, LOITERING).mode == "live"  # the site did not ask for demotion
    [status] = [s for s in service.status() if s.skill == LOITERING]
    assert status.degraded and status.mode == "live" and status.verdicts_false == 4


def test_mode_live_alone_starts_in_shadow_and_goes_live_only_by_a_named_reasoned_promotion(
    tmp_path: Path,
) -> None:
    """`mode = "live"` without live_decided_by and live_reason (what an editor or a hand-written file
    may leave): the skill's alerts go out in shadow from the first one, /status says the site file asks
    for live, and only a named person's promotion with a reason makes it live, audited."""
    service = TrustService(trust_site(tmp_path, loitering_mode="live", decided=False))
    loitering = service.configured_skills()[1].routing
    assert service.routing(alert(1), loitering).mode == "shadow", "before its mode is stored"
    service.initialise_modes()
    state = service.mode(CAMERA, LOITERING)
    assert (state.mode, state.changed_by, state.reason) == ("shadow", "config", None)
    assert service.routing(alert(2), loitering).mode == "shadow"
    assert [(e.actor, e.action) for e in service.audit.entries()] == [("config", "skill.live_requested")]
    [status] = [s for s in service.status() if s.skill == LOITERING]
    assert status.mode == "shadow" and status.live_requested
    assert service.asks_for_live(CAMERA, LOITERING) and not service.asks_for_live(CAMERA, INTRUSION)

    with pytest.raises(GateClosed):
        service.promote(CAMERA, LOITERING, "Ines")
    service.promote(CAMERA, LOITERING, "Ines", reason="night closure, operators asked for it")
    assert service.routing(alert(3), loitering).mode == "live"
    entry = service.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.details["reason"]) == (
        "Ines",
        "skill.promote_without_gate",
        "night closure, operators asked for it",
    )
    [status] = [s for s in service.status() if s.skill == LOITERING]
    assert status.mode == "live" and not status.live_requested
    service.close()


def test_the_site_files_named_decision_makes_a_new_skill_live_audited_with_its_name(tmp_path: Path) -> None:
    service = TrustService(trust_site(tmp_path, loitering_mode="live"))
    loitering = service.configured_skills()[1].routing
    assert service.routing(alert(1), loitering).mode == "live"
    service.initialise_modes()
    state = service.mode(CAMERA, LOITERING)
    assert (state.mode, state.changed_by, state.reason) == ("live", "Test site", "the test asks for live")
    [entry] = service.audit.entries()
    assert (entry.actor, entry.action, entry.details["reason"]) == (
        "Test site",
        "skill.live_from_config",
        "the test asks for live",
    )
    assert entry.details["gate"]["offered"] is False
    service.close()


@pytest.mark.parametrize(
    ("alert_table", "named"),
    [
        ({"mode": "shadow", "live_decided_by": "Ines", "live_reason": "r"}, 'go with `mode = "live"` only'),
        ({"mode": "live", "live_decided_by": "Ines"}, "`live_reason` is empty"),
        ({"mode": "live", "live_decided_by": " ", "live_reason": "r"}, "`live_decided_by` is empty"),
    ],
)
def test_a_live_decision_needs_a_name_and_a_reason_and_the_live_mode(
    alert_table: dict[str, str], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        AlertRouting.model_validate({"custom_event_id": 5000, **alert_table})


def test_figures_weekly_series_and_csv(tmp_path: Path) -> None:
    service = TrustService(trust_site(tmp_path))
    routing = service.configured_skills()[1].routing
    # START is Wednesday 2024-05-01: days 0 and 3 are one ISO week, day 7 the next.
    for index, (days, verdict) in enumerate(
        [(0, Verdict.TRUE), (3, Verdict.FALSE), (7, Verdict.TRUE), (7, None)]
    ):
        event = alert(index, days=days)
        service.admit(event, routing)
        if verdict is not None:
            reason = FalseReason.REFLECTION_OR_SHADOW if verdict == Verdict.FALSE else None
            service.record_verdict(event.id, verdict, "Ana", reason)

    [figures] = service.figures(skill=LOITERING)
    assert [(w.week_start.isoformat(), w.tally.alerts, w.tally.false) for w in figures.weeks] == [
        ("2024-04-29", 2, 1),
        ("2024-05-06", 2, 0),
    ]
    out = io.StringIO()
    service.export_csv(out)
    rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["skill"] == LOITERING]
    assert [r["week_start"] for r in rows] == ["2024-04-29", "2024-05-06", "all"]
    total = rows[-1]
    assert (total["alerts"], total["verdicts_true"], total["verdicts_false"], total["unjudged"]) == (
        "4",
        "2",
        "1",
        "1",
    )
    assert float(total["false_alert_rate"]) == pytest.approx(1 / 3, abs=1e-4)
    assert total["promotion_offered"] == "0"


def test_the_bridge_reads_modes_from_memory_and_sees_another_process_promotion_at_its_refresh(
    tmp_path: Path,
) -> None:
    """The bridge's service answers `routing` from its cache; `genetec-bridge trust promote` (another
    service on the same store, as another process would be) is seen at the next `refresh_modes`, a
    promotion made through the bridge's own service at once."""
    site = trust_site(tmp_path)
    bridge = TrustService(site)
    bridge.initialise_modes()
    loitering = bridge.configured_skills()[1].routing
    assert bridge.routing(alert(1), loitering).mode == "shadow"

    command = TrustService(site)
    command.promote(CAMERA, LOITERING, "Paul", reason="acceptance test")
    command.close()
    assert bridge.routing(alert(2), loitering).mode == "shadow", "memory only: no store read per alert"
    bridge.refresh_modes()
    assert bridge.routing(alert(3), loitering).mode == "live"

    bridge.demote(CAMERA, LOITERING, "Paul", "back to review")
    assert bridge.routing(alert(4), loitering).mode == "shadow"
    bridge.close()
