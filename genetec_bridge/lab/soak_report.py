"""The figures of a soak (`genetec-lab soak`): events produced, delivered, duplicated and lost, reconnects,
resident memory over time; written as report.md, report.json and a memory chart (rss.png).

Pure apart from reading the outbox and the fake's record and writing the files, so a test can feed it a
small outbox and record without running a soak.
"""

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server; the chart is a file
import matplotlib.pyplot as plt


@dataclass(frozen=True)
class MemorySample:
    at_s: float
    process: str  # "bridge" or "daemon"
    rss_mb: float


@dataclass(frozen=True)
class Fault:
    at_s: float
    name: str


@dataclass
class LifetimeCounter:
    """A counter that restarts at 0 with each process life (a camera's reconnects after a bridge restart):
    the total over lives is the sum of each life's last value."""

    closed: int = 0
    current: int = 0

    def observe(self, value: int) -> None:
        if value < self.current:
            self.closed += self.current
        self.current = value

    @property
    def total(self) -> int:
        return self.closed + self.current


@dataclass
class DeliveryFigures:
    produced: int
    delivered: int
    pending: int
    parked: int
    raised: int = field(metadata={"doc": "custom events Security Center raised (copies included)"})
    duplicated: int = field(metadata={"doc": "copies beyond the first, all events together"})
    events_duplicated: int
    max_duplicates_per_camera: int
    lost: int = field(metadata={"doc": "events the outbox marks delivered that Security Center never raised"})
    unknown_raised: int = field(metadata={"doc": "raised events the outbox does not know"})


def delivery_figures(outbox_path: Path, received: Iterable[Mapping[str, Any]]) -> DeliveryFigures:
    """Compare the outbox (what the bridge accepted from the daemon) with what the fake Security Center
    raised. The soak routes every event to exactly one custom event, so each should be raised once."""
    with sqlite3.connect(f"file:{outbox_path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT event_id, camera, delivered_at, rejected_at FROM events").fetchall()
    raised = Counter(
        json.loads(record["payload"])["id"]
        for record in received
        if record.get("op") == "RaiseCustomEvent"
        and record.get("status") == 200
        and "fail" not in record
        and record.get("payload")
    )
    camera_of = {event_id: camera for event_id, camera, _, _ in rows}
    per_camera: Counter[str] = Counter()
    for event_id, copies in raised.items():
        if copies > 1 and event_id in camera_of:
            per_camera[camera_of[event_id]] += copies - 1
    parked = sum(1 for row in rows if row[3] is not None)
    return DeliveryFigures(
        produced=len(rows),
        delivered=sum(1 for row in rows if row[2] is not None),
        pending=sum(1 for row in rows if row[2] is None and row[3] is None),
        parked=parked,
        raised=sum(raised.values()),
        duplicated=sum(copies - 1 for copies in raised.values()),
        events_duplicated=sum(1 for copies in raised.values() if copies > 1),
        max_duplicates_per_camera=max(per_camera.values(), default=0),
        # A pending event is not lost: the outbox keeps it for the bridge's next start.
        lost=sum(1 for event_id, _, delivered, _ in rows if delivered is not None and event_id not in raised),
        unknown_raised=sum(1 for event_id in raised if event_id not in camera_of),
    )


def read_record(path: Path) -> list[dict[str, Any]]:
    """The fake's JSONL record; a line cut by a kill of the fake is skipped."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def draw_memory(samples: list[MemorySample], faults: list[Fault], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(8, 3.5), dpi=100)
    for process in sorted({sample.process for sample in samples}):
        mine = [sample for sample in samples if sample.process == process]
        axes.plot([s.at_s / 60 for s in mine], [s.rss_mb for s in mine], label=process, linewidth=1.2)
    for fault in faults:
        axes.axvline(fault.at_s / 60, color="grey", linewidth=0.6, linestyle=":")
    axes.set_xlabel("minutes (dotted: injected faults)")
    axes.set_ylabel("resident memory (MB)")
    axes.set_ylim(bottom=0)
    axes.legend(loc="lower right")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def memory_summary(samples: list[MemorySample]) -> dict[str, dict[str, float]]:
    """Per process: first, peak and last resident memory, and the last against the median of the first
    quarter of the run (growth once warmed up)."""
    summary = {}
    for process in sorted({sample.process for sample in samples}):
        values = [sample.rss_mb for sample in samples if sample.process == process]
        warm = sorted(values[: max(1, len(values) // 4)])
        summary[process] = {
            "first_mb": round(values[0], 1),
            "peak_mb": round(max(values), 1),
            "last_mb": round(values[-1], 1),
            "last_minus_first_quarter_median_mb": round(values[-1] - warm[len(warm) // 2], 1),
        }
    return summary


def write_report(
    out: Path,
    *,
    settings: Mapping[str, Any],
    figures: DeliveryFigures,
    reconnects: Mapping[str, int],
    samples: list[MemorySample],
    faults: list[Fault],
) -> Path:
    """report.json, report.md and rss.png under `out`; returns the Markdown report's path."""
    out.mkdir(parents=True, exist_ok=True)
    chart = out / "rss.png"
    draw_memory(samples, faults, chart)
    memory = memory_summary(samples)
    (out / "report.json").write_text(
        json.dumps(
            {
                "settings": dict(settings),
                "delivery": asdict(figures),
                "reconnects": dict(reconnects),
                "memory": memory,
                "faults": [asdict(fault) for fault in faults],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    lines = [
        "# Soak report",
        "",
        ", ".join(f"{key}: {value}" for key, value in settings.items()),
        "",
        "| events | count |",
        "|---|---|",
        *(f"| {name.replace('_', ' ')} | {value} |" for name, value in asdict(figures).items()),
        "",
        "| reconnects and restarts | count |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in reconnects.items()),
        "",
        "| process | first MB | peak MB | last MB | last − median of first quarter |",
        "|---|---|---|---|---|",
        *(
            f"| {process} | {m['first_mb']} | {m['peak_mb']} | {m['last_mb']} | "
            f"{m['last_minus_first_quarter_median_mb']} |"
            for process, m in memory.items()
        ),
        "",
        f"Resident memory over time: {chart.name}",
        "",
        "Faults injected (minute: fault):",
        *(f"- {fault.at_s / 60:.1f}: {fault.name}" for fault in faults),
        "",
    ]
    report = out / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return report
