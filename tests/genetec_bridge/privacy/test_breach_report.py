"""`genetec-bridge breach-report`: per store, where it is and how many records fall in the window."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.trust.store import TrustStore
from genetec_bridge.trust.verdicts import Verdict, VerdictRecord
from tests.support.analytics_events import loitering
from tests.support.single_command import run_command
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site

CAM_A = "00000001-0000-babe-0000-00408ca1eb95"
CAM_B = "00000002-0000-babe-0000-00408ca1eb96"
ACTIONS = [{"action": "custom_event", "custom_event_id": 1, "custom_event_name": "x", "message": "m"}]
START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # the window: 10 March 08:00 to 11 March 08:00
END = START + timedelta(days=1)


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    path = write_site(tmp_path, example_text())
    site = load_site_config(path)

    enqueued = [START - timedelta(hours=1), START + timedelta(hours=1), START + timedelta(hours=2)]
    clock = [0.0]
    outbox = Outbox(site.delivery.outbox_path, clock=lambda: clock[0])
    for n, (moment, camera) in enumerate(zip(enqueued, (CAM_A, CAM_A, CAM_B), strict=True)):
        clock[0] = moment.timestamp()
        outbox.add(loitering(n, camera), ACTIONS)
    outbox.mark_delivered(loitering(1, CAM_A).id)
    outbox.close()

    batch = StatisticsBatch()
    for moment in (START - timedelta(hours=2), START + timedelta(hours=3), START + timedelta(hours=4)):
        start = moment.timestamp()
        batch.crossings[(CAM_B, "Northbound count", start, 900.0, "car", "A->B")] += 2
        batch.add_analysed(CAM_B, start, start + 120.0)  # two UTC minutes
    batch.add_alert(CAM_A, "loitering:Bench", (START + timedelta(hours=1)).timestamp())
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()

    trust = TrustStore(site.trust.store_path)
    # Alerts before, in and after the window, each judged half an hour later by Zoé; the one before the
    # window judged again in it by Yann (the latest verdict replaces hers).
    for n, moment in enumerate(
        (START - timedelta(hours=3), START + timedelta(hours=6), END + timedelta(hours=2))
    ):
        event = loitering(n, CAM_A).model_copy(update={"id": f"trust-{n}", "timestamp": moment})
        trust.add_alert(event, "shadow", None)
        trust.set_verdict(
            VerdictRecord(event.id, Verdict.TRUE, None, None, "Zoé", "review", moment + timedelta(minutes=30))
        )
    trust.set_verdict(VerdictRecord("trust-0", Verdict.TRUE, None, None, "Yann", "operator", START))
    trust.close()

    trail = AuditTrail(site.audit.path)
    trail.append("alice", "config.save", "camera", at=START + timedelta(hours=5))
    trail.append("bob", "account.login", "bob", at=END + timedelta(hours=1))
    (site.audit.path.parent.parent / "verdicts.sqlite3").write_bytes(b"a store added later")
    return path


def test_the_report_counts_each_store_in_the_window(config_file, tmp_path, capsys) -> None:
    argv = [
        "breach-report",
        "--config",
        str(config_file),
        "--from",
        START.isoformat(),
        "--to",
        END.isoformat(),
    ]
    argv.append("--json")
    assert run_command("genetec_bridge.commands.breach_report", argv) == 0
    report = json.loads(capsys.readouterr().out)
    stores = {store["store"]: store for store in report["stores"]}

    assert stores["frames"]["records_in_window"] == 0 and "never stored" in stores["frames"]["categories"]
    outbox = stores["outbox"]
    assert outbox["records_in_window"] == 2
    assert outbox["detail"]["by_camera"] == {CAM_A: {"delivered": 1}, CAM_B: {"pending": 1}}
    assert outbox["location"] == str(tmp_path / "state/outbox.sqlite3")
    assert stores["security_center"]["records_in_window"] == 1
    counts = stores["counts"]
    assert counts["location"] == str(tmp_path / "state/statistics.sqlite3")
    assert counts["detail"]["by_table"] == {"counts": 2, "analysed": 4, "availability": 0, "alerts": 1}
    assert counts["records_in_window"] == 7
    trust = stores["trust"]
    assert trust["location"] == str(tmp_path / "state/trust.sqlite3")
    assert trust["detail"] == {"alerts": 1, "verdicts": 2, "reviewers": ["Yann", "Zoé"]}
    assert trust["records_in_window"] == 3
    assert "reviewer's name" in trust["categories"] and "positions" in trust["categories"]
    assert stores["audit"]["records_in_window"] == 1
    assert stores["audit"]["detail"] == {"by_action": {"config.save": 1}, "actors": ["alice"]}
    others = [store["location"] for store in report["stores"] if store["store"] == "other"]
    assert others == [str(tmp_path / "state/verdicts.sqlite3")]


def test_the_text_report_names_what_and_where(config_file, capsys) -> None:
    argv = [
        "breach-report",
        "--config",
        str(config_file),
        "--from",
        "2026-03-10T08:00",
        "--to",
        "2026-03-11T08:00",
    ]
    assert run_command("genetec_bridge.commands.breach_report", argv) == 0
    out = capsys.readouterr().out
    assert "- outbox: 2 record(s) in the window;" in out
    assert "what: statistics store: anonymous traffic counts" in out
    assert "- counts: 7 record(s) in the window;" in out


def test_a_window_ending_before_it_starts_is_refused(config_file, capsys) -> None:
    argv = ["breach-report", "--config", str(config_file), "--from", "2026-03-10", "--to", "2026-03-09"]
    assert run_command("genetec_bridge.commands.breach_report", argv) == 2
    assert "--to must be after --from" in capsys.readouterr().out
