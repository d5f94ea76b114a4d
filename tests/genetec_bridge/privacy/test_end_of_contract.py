"""`genetec-bridge end-of-contract` against the fake Security Center over real sockets: it lists first,
then removes only the product's custom events, writes the export, and leaves the stores empty."""

import asyncio
import csv
import io
import json
from datetime import UTC, datetime

import pytest

from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.audit.trail import CUSTOM_EVENTS_CREATED, AuditTrail
from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.trust.store import TrustStore
from genetec_bridge.trust.verdicts import FalseReason, Verdict, VerdictRecord
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import loitering
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess
from tests.support.single_command import run_command
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, in_utc, write_site
from tests.support.synthetic_week import CAMERA as COUNTING_CAMERA
from tests.support.synthetic_week import LINE

pytestmark = pytest.mark.integration

PRODUCT_EVENTS = {8001, 8002, 8003, 8004, 8005}  # the example's custom_event_id values
CITY_EVENT = 5000  # in the fake's fixture: the city's own, not the product's
CREATED_THEN_UNROUTED = 8100  # created by the bridge, no longer in the config
ACTIONS = [{"action": "custom_event", "custom_event_id": 8001, "custom_event_name": "x", "message": "m"}]
COMMAND = "genetec_bridge.commands.end_of_contract"


def _site_file(tmp_path, fake: FakeWebSdkProcess):
    text = edited(in_utc(example_text()), "https://sc-main.city.local:4590/WebSdk", fake.base_url.rstrip("/"))
    return write_site(
        tmp_path,
        # The fake speaks plain HTTP on loopback, which the site must accept explicitly.
        edited(
            text, 'username = "analytics-bridge"', f'username = "{fake.username}"\nallow_plain_http = true'
        ),
    )


async def _security_center_as_the_bridge_left_it(fake: FakeWebSdkProcess, wanted: dict[int, str]) -> None:
    async with WebSdkClient(fake.base_url, fake.username, fake.password) as client:
        await client.ensure_custom_events(wanted)
        await client.add_bookmark(CAMERA_GUIDS[0], datetime(2026, 5, 1, 12, tzinfo=UTC), "loitering")


def _stores_with_data(site) -> TrustStore:
    """Fills every store; the trust store is left open (its -wal and -shm beside it), for the caller to close."""
    outbox = Outbox(site.delivery.outbox_path)
    outbox.claim_delivery("the bridge")  # as the bridge leaves it: the delivery lock file beside it
    outbox.add(loitering(1, CAMERA_GUIDS[0]), ACTIONS)
    outbox.mark_delivered(loitering(1, CAMERA_GUIDS[0]).id)
    outbox.close()
    # 7 cars in the quarter hour from 08:00 on 1 May, analysed all of it.
    start = datetime(2026, 5, 1, 8, tzinfo=UTC).timestamp()
    batch = StatisticsBatch()
    batch.crossings[(COUNTING_CAMERA, LINE, start, 900.0, "car", "A->B")] = 7
    batch.add_analysed(COUNTING_CAMERA, start, start + 900.0)
    batch.add_availability("bridge", start, start + 900.0, up=True)
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()
    # The trust loop: two alerts of 1 May kept for review, one judged false by a reviewer, one unjudged.
    trust = TrustStore(site.trust.store_path)
    trust.initialise_mode(CAMERA_GUIDS[0], "loitering:Parvis", "shadow")
    for n in (1, 2):
        event = loitering(n, CAMERA_GUIDS[0]).model_copy(
            update={"timestamp": datetime(2026, 5, 1, 9, n, tzinfo=UTC)}
        )
        trust.add_alert(event, "shadow", None)
    trust.set_verdict(
        VerdictRecord(
            loitering(1, CAMERA_GUIDS[0]).id,
            Verdict.FALSE,
            FalseReason.REFLECTION_OR_SHADOW,
            None,
            "Zoé Martin",
            "review",
            datetime(2026, 5, 1, 10, tzinfo=UTC),
        )
    )
    trail = AuditTrail(site.audit.path)
    trail.append("bridge", CUSTOM_EVENTS_CREATED, "Security Center", {"ids": [CREATED_THEN_UNROUTED]})
    trail.append("alice", "config.save", "Parvis Saint-Michel")
    return trust


def _files_under(directory) -> list:
    return sorted(p for p in directory.rglob("*") if p.is_file())


@pytest.mark.timeout(120)
def test_end_of_contract_lists_then_exports_removes_and_erases(tmp_path, monkeypatch, capsys) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_ENV, str(state))
    export = tmp_path / "for-the-city"
    with FakeWebSdkProcess() as fake:
        monkeypatch.setenv(PASSWORD_ENV, fake.password)
        config_file = _site_file(tmp_path, fake)
        site = load_site_config(config_file)
        wanted = {event_id: f"Analytics {event_id}" for event_id in PRODUCT_EVENTS | {CREATED_THEN_UNROUTED}}
        asyncio.run(_security_center_as_the_bridge_left_it(fake, wanted))
        trust = _stores_with_data(site)
        stored = _files_under(state)
        assert {p.name for p in stored} >= {"trust.sqlite3", "trust.sqlite3-wal", "trust.sqlite3-shm"}

        # Without --yes: the list, and nothing changes.
        assert (
            run_command(COMMAND, ["end-of-contract", "--config", str(config_file), "--export", str(export)])
            == 0
        )
        listing = capsys.readouterr().out
        for event_id in sorted(PRODUCT_EVENTS | {CREATED_THEN_UNROUTED}):
            assert f"  {event_id} Analytics {event_id} (Camera)" in listing
        assert f"  {CITY_EVENT} " not in listing and "Nothing changed" in listing
        assert f"  {site.trust.store_path}-wal" in listing
        assert _files_under(state) == stored
        trust.close()  # as the stopped bridge leaves it
        assert len(fake.state()["custom_events"]) == 1 + len(wanted)
        assert not export.exists()

        argv = ["end-of-contract", "--config", str(config_file), "--export", str(export), "--yes"]
        assert run_command(COMMAND, argv) == 0
        after = fake.state()

    # Security Center: only the city's own definition is left; the bookmark stays in the archive.
    assert [event["Id"] for event in after["custom_events"]] == [CITY_EVENT]
    assert [bookmark["text"] for bookmark in after["bookmarks"]] == ["loitering"]
    # The product's directories are empty.
    assert _files_under(state) == []
    # The export holds the counts (open-data CSV and NGSI-LD), the month's reports, the verified audit
    # trail (with the removals) and the documents.
    point = f"{COUNTING_CAMERA}:{LINE}"
    assert (export / "counts/points-comptage.csv").read_text().splitlines()[1].startswith(point + ",")
    rows = list(
        csv.DictReader(
            io.StringIO((export / "counts/comptages-2026-05-01-2026-05-02-interval.csv").read_text())
        )
    )
    assert len(rows) == 96 * 2 * 5, "every quarter hour of the day held, both directions, TV VL PL 2RM velo"
    at_eight = {
        (r["sens"], r["categorie"]): (r["valeur"], r["couverture"])
        for r in rows
        if r["debut"] == "2026-05-01T08:00:00+00:00"
    }
    assert at_eight[("A->B", "VL")] == ("7", "1.0") and at_eight[("A->B", "TV")] == ("7", "1.0")
    nine = {r["valeur"] for r in rows if r["debut"] == "2026-05-01T09:00:00+00:00"}
    assert nine == {""}, "an interval not analysed is missing data, not zero traffic"
    entities = json.loads(
        (export / "counts/trafficflowobserved-2026-05-01-2026-05-02-interval.json").read_text()
    )
    cars = [
        e for e in entities if e["vehicleType"]["value"] == "car" and e["laneDirection"]["value"] == "forward"
    ]
    assert [e["intensity"]["value"] for e in cars] == [7]
    assert sorted(p.name for p in (export / "reports").iterdir()) == [
        f"report-2026-05-{language}.{suffix}" for language in ("en", "fr") for suffix in ("html", "pdf")
    ]
    assert "Carrefour Jean-Jaures" in (export / "reports/report-2026-05-en.html").read_text()
    assert (export / "reports/report-2026-05-fr.pdf").read_bytes().startswith(b"%PDF")
    verification = json.loads((export / "audit/audit-verification.json").read_text())
    assert verification["intact"] is True
    exported_trail = AuditTrail(export / "audit/audit.jsonl")
    assert exported_trail.verify() == []
    removed = sorted(
        e.details["id"] for e in exported_trail.entries() if e.action == "websdk.custom_event.removed"
    )
    assert removed == sorted(PRODUCT_EVENTS | {CREATED_THEN_UNROUTED})
    # The trust loop's figures (as `trust export` writes them) and every verdict with its reviewer.
    figures = list(csv.DictReader(io.StringIO((export / "trust/trust-figures.csv").read_text())))
    overall = next(r for r in figures if r["skill"] == "loitering:Parvis" and r["week_start"] == "all")
    assert overall["camera_id"] == CAMERA_GUIDS[0]
    assert (overall["alerts"], overall["verdicts_false"], overall["unjudged"]) == ("2", "1", "1")
    verdicts = list(csv.DictReader(io.StringIO((export / "trust/verdicts.csv").read_text())))
    assert [(r["event_id"], r["verdict"], r["reason"], r["reviewer"]) for r in verdicts] == [
        (loitering(1, CAMERA_GUIDS[0]).id, "false", "reflection_or_shadow", "Zoé Martin"),
        (loitering(2, CAMERA_GUIDS[0]).id, "", "", ""),
    ]
    assert (export / "privacy-documents/fr/register.md").is_file()
    summary = json.loads((export / "summary.json").read_text())
    assert summary["outbox"]["delivered"] == 1
    assert sorted(event["id"] for event in summary["custom_events_removed"]) == removed


def test_security_center_unreachable_changes_nothing(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    monkeypatch.setenv(PASSWORD_ENV, "x")
    fake = FakeWebSdkProcess()  # never started: its port refuses connections
    config_file = _site_file(tmp_path, fake)
    site = load_site_config(config_file)
    _stores_with_data(site).close()
    stored = _files_under(tmp_path / "state")
    argv = ["end-of-contract", "--config", str(config_file), "--export", str(tmp_path / "x"), "--yes"]
    assert run_command(COMMAND, argv) == 1
    assert "nothing after this step was done" in capsys.readouterr().out
    assert _files_under(tmp_path / "state") == stored and not (tmp_path / "x").exists()
