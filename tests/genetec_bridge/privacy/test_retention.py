"""Retention: each store loses its records older than its setting, and nothing younger."""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from analytics.config.loader import ConfigError
from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.privacy.retention import purge_expired, purge_periodically
from genetec_bridge.trust.store import TrustStore
from genetec_bridge.trust.verdicts import Verdict, VerdictRecord
from tests.support.analytics_events import loitering
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
LINE = "Northbound count"
ACTIONS = [{"action": "custom_event", "custom_event_id": 1, "custom_event_name": "x", "message": "m"}]


@pytest.fixture
def site(tmp_path, monkeypatch) -> SiteConfig:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    text = edited(example_text(), "counts_days = 730", "counts_days = 30")
    text = edited(text, "verdicts_days = 365", "verdicts_days = 90")
    return load_site_config(write_site(tmp_path, edited(text, "audit_days = 365", "audit_days = 200")))


def _statistics_of(store: StatisticsStore, moments: list[datetime]) -> None:
    """At each moment: 3 cars crossing in its 15-minute interval, a minute analysed, an hour observed, an alert."""
    batch = StatisticsBatch()
    for moment in moments:
        start = moment.timestamp()
        batch.crossings[(CAMERA, LINE, start, 900.0, "car", "A->B")] += 3
        batch.add_analysed(CAMERA, start, start + 60.0)
        batch.add_availability("bridge", start, start + 3600.0, up=True)
        batch.add_alert(CAMERA, "loitering:Bench", start)
    store.commit(batch)


def _days_held(store: StatisticsStore, since: datetime) -> list[int]:
    """Days before NOW of the intervals the store still counts."""
    rows = store.counts(CAMERA, LINE, since.timestamp(), NOW.timestamp())
    return [round((NOW.timestamp() - row.start) / 86400) for row in rows]


def test_the_defaults_put_every_store_under_the_state_directory(site, tmp_path) -> None:
    state = tmp_path / "state"
    assert site.audit.path == state / "audit/audit.jsonl"
    assert site.delivery.outbox_path.parent == state and site.counting.store_path.parent == state


def test_statistics_older_than_retention_go_and_younger_ones_stay(site) -> None:
    store = StatisticsStore(site.counting.store_path)
    # 31 days, 30 days and 29 days before now: with counts_days = 30 only the first is past retention.
    moments = [NOW - timedelta(days=n) for n in (31, 30, 29)]
    _statistics_of(store, moments)
    store.close()
    trail = AuditTrail(site.audit.path)

    result = purge_expired(site, trail, NOW)

    assert result.statistics_rows == 4  # the oldest moment's count, minute, hour and alert tally
    store = StatisticsStore(site.counting.store_path)
    assert _days_held(store, NOW - timedelta(days=40)) == [30, 29]
    assert store.held(moments[0].timestamp(), moments[1].timestamp()) == {
        "counts": 0,
        "analysed": 0,
        "availability": 0,
        "alerts": 0,
    }
    assert store.held(moments[1].timestamp(), NOW.timestamp()) == {
        "counts": 2,
        "analysed": 2,
        "availability": 2,
        "alerts": 2,
    }
    store.close()
    entry = trail.entries()[-1]
    assert entry.action == "retention.purge" and entry.details["statistics_rows"] == 4
    assert entry.details["statistics_before"] == (NOW - timedelta(days=30)).isoformat()


def _judged_alerts(store: TrustStore, days_ago: list[int]) -> list[str]:
    """An alert that occurred each of `days_ago` days before NOW, judged false a day later; their ids."""
    ids = []
    for n, days in enumerate(days_ago):
        occurred = NOW - timedelta(days=days)
        event = loitering(n, CAMERA).model_copy(update={"id": f"alert-{days}", "timestamp": occurred})
        assert store.add_alert(event, "shadow", None)
        verdict = VerdictRecord(
            event.id, Verdict.FALSE, None, None, "Marie Curie", "review", occurred + timedelta(days=1)
        )
        assert store.set_verdict(verdict)
        ids.append(event.id)
    return ids


def test_trust_alerts_and_verdicts_older_than_retention_go_and_modes_stay(site) -> None:
    store = TrustStore(site.trust.store_path)
    store.initialise_mode(CAMERA, "loitering:Parvis", "live")
    # 91, 90 and 89 days before now: with verdicts_days = 90 only the first is past retention.
    _judged_alerts(store, [91, 90, 89])
    store.close()
    trail = AuditTrail(site.audit.path)

    result = purge_expired(site, trail, NOW)

    assert (result.trust_alerts, result.trust_verdicts) == (1, 1)
    store = TrustStore(site.trust.store_path)
    kept = store.alerts()
    assert [alert.event.id for alert in kept] == ["alert-90", "alert-89"]
    assert all(alert.verdict is not None and alert.verdict.reviewer == "Marie Curie" for alert in kept)
    assert store.held(0.0, NOW.timestamp()).verdicts == 2
    mode = store.mode(CAMERA, "loitering:Parvis")
    assert mode is not None and mode.mode == "live"
    store.close()
    entry = trail.entries()[-1]
    assert entry.action == "retention.purge"
    assert (entry.details["trust_alerts"], entry.details["trust_verdicts"]) == (1, 1)
    assert entry.details["trust_before"] == (NOW - timedelta(days=90)).isoformat()


def test_the_bridge_s_open_trust_store_is_purged_through_it(site) -> None:
    store = TrustStore(site.trust.store_path)  # open, as the running bridge holds it
    _judged_alerts(store, [200, 1])

    result = purge_expired(site, AuditTrail(site.audit.path), NOW, trust=store)

    assert (result.trust_alerts, result.trust_verdicts) == (1, 1)
    assert [alert.event.id for alert in store.alerts()] == ["alert-1"]
    store.close()


def test_a_purge_without_a_statistics_or_trust_store_does_not_create_one(site) -> None:
    purge_expired(site, AuditTrail(site.audit.path), NOW)
    assert not site.counting.store_path.exists()
    assert not site.trust.store_path.exists()


def test_audit_entries_older_than_retention_go_and_the_trail_still_verifies(site) -> None:
    trail = AuditTrail(site.audit.path)
    for days_ago in (202, 201, 199, 1):
        trail.append("alice", "config.save", f"{days_ago} days ago", at=NOW - timedelta(days=days_ago))

    result = purge_expired(site, trail, NOW)

    assert result.audit_entries == 2
    assert [e.subject for e in trail.entries()][:2] == ["199 days ago", "1 days ago"]
    assert trail.verify() == []


def test_outbox_events_past_their_retention_go_pending_ones_stay(site) -> None:
    clock_now = [NOW.timestamp() - 30 * 3600.0]
    outbox = Outbox(site.delivery.outbox_path, clock=lambda: clock_now[0])
    old, young, pending = (loitering(n, CAMERA) for n in range(3))
    for event in (old, young, pending):
        outbox.add(event, ACTIONS)
    outbox.mark_delivered(old.id)  # 30 h ago: past keep_delivered_h = 24
    clock_now[0] = NOW.timestamp() - 3600.0
    outbox.mark_delivered(young.id)  # 1 h ago
    clock_now[0] = NOW.timestamp()

    result = purge_expired(site, AuditTrail(site.audit.path), NOW, outbox=outbox)

    assert (result.outbox_delivered, result.outbox_rejected) == (1, 0)
    assert outbox.delivered_ids() == [young.id] and outbox.stats().pending == 1
    outbox.close()


def test_a_purge_with_nothing_to_delete_writes_nothing(site) -> None:
    trail = AuditTrail(site.audit.path)
    trail.append("alice", "config.save", "today", at=NOW)
    before = trail.path.read_bytes()
    assert purge_expired(site, trail, NOW).summary().startswith("outbox: 0 delivered")
    assert trail.path.read_bytes() == before


async def test_the_bridge_task_purges_the_bridge_s_own_store(site) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    store = StatisticsStore(site.counting.store_path)  # open, as the running bridge holds it
    _statistics_of(store, [now - timedelta(days=40), now])
    trail = AuditTrail(site.audit.path)

    task = asyncio.create_task(purge_periodically(site, trail, store))
    try:
        for _ in range(200):
            if len(store.counts(CAMERA, LINE, 0.0, now.timestamp() + 900.0)) == 1:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert [row.start for row in store.counts(CAMERA, LINE, 0.0, now.timestamp() + 900.0)] == [
        now.timestamp()
    ]
    store.close()
    assert trail.entries()[-1].details["statistics_rows"] == 4


def test_an_audit_retention_under_six_months_is_refused_naming_the_key(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    text = edited(example_text(), "audit_days = 365", "audit_days = 30")
    with pytest.raises(ConfigError) as error:
        load_site_config(write_site(tmp_path, text))
    assert "retention.audit_days" in str(error.value) and "183" in str(error.value)
