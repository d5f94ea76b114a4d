"""The soak's report (not a soak): figures from a real outbox and a fake's record, files written."""

import json
from pathlib import Path

from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.alert_text import plan_actions
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.lab.soak_report import (
    Fault,
    LifetimeCounter,
    MemorySample,
    delivery_figures,
    read_record,
    write_report,
)
from tests.support.analytics_events import intrusion

CAMERAS = ("00000001-0000-babe-0000-00408ca1eb95", "00000001-0000-babe-0000-00408ca1eb96")
ROUTING = AlertRouting(mode="live", custom_event_id=8101)


def raised(event_id: str) -> dict[str, object]:
    return {"op": "RaiseCustomEvent", "status": 200, "payload": json.dumps({"id": event_id})}


def test_figures_count_duplicates_losses_and_parked_events(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    events = [intrusion(index, camera) for camera in CAMERAS for index in range(3)]
    for event in events:
        assert outbox.add(event, plan_actions(event, ROUTING))
    for event in events[:4]:
        outbox.mark_delivered(event.id)
    outbox.park(events[5].id, "refused")
    outbox.close()
    record = tmp_path / "received.jsonl"
    lines = [raised(events[0].id), raised(events[0].id), raised(events[1].id), raised(events[1].id)]
    lines += [raised(events[2].id), raised("not-from-this-bridge")]
    lines += [{"op": "RaiseCustomEvent", "status": 503, "payload": json.dumps({"id": events[4].id})}]
    record.write_text("\n".join(json.dumps(line) for line in lines) + '\n{"cut by a kill', encoding="utf-8")

    figures = delivery_figures(tmp_path / "outbox.sqlite3", read_record(record))

    assert (figures.produced, figures.delivered, figures.pending, figures.parked) == (6, 4, 1, 1)
    assert (figures.raised, figures.duplicated, figures.events_duplicated) == (6, 2, 2)
    assert figures.max_duplicates_per_camera == 2  # both copies on the first camera
    assert figures.lost == 1  # events[3]: marked delivered, never raised (events[4] waits: pending)
    assert figures.unknown_raised == 1


def test_report_files_and_lifetime_counters(tmp_path: Path) -> None:
    reconnects = LifetimeCounter()
    for value in (0, 2, 5, 1, 3):  # a restart of the bridge between 5 and 1
        reconnects.observe(value)
    assert reconnects.total == 8

    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.close()
    samples = [
        MemorySample(t, process, 100 + t / 60) for t in (0, 60, 120, 180) for process in ("bridge", "daemon")
    ]
    report = write_report(
        tmp_path / "out",
        settings={"minutes": 3, "cameras": 2},
        figures=delivery_figures(tmp_path / "outbox.sqlite3", []),
        reconnects={"camera reconnects": reconnects.total},
        samples=samples,
        faults=[Fault(90, "daemon SIGKILL")],
    )

    text = report.read_text(encoding="utf-8")
    assert "| camera reconnects | 8 |" in text and "1.5: daemon SIGKILL" in text
    summary = json.loads((tmp_path / "out/report.json").read_text(encoding="utf-8"))
    assert summary["memory"]["bridge"] == {
        "first_mb": 100.0,
        "peak_mb": 103.0,
        "last_mb": 103.0,
        "last_minus_first_quarter_median_mb": 3.0,
    }
    assert (tmp_path / "out/rss.png").read_bytes().startswith(b"\x89PNG")
