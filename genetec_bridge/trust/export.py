"""The verdicts as CSV, one row per alert kept for review: what the city is owed at the end of the
contract beside the figures. The alert's evidence (track positions) stays out: the figures need only
when, where, which skill, and the verdict with who gave it."""

import csv
from collections.abc import Iterable
from typing import TextIO

from genetec_bridge.trust.store import StoredAlert

VERDICT_COLUMNS = (
    "event_id",
    "camera_id",
    "skill",
    "mode",
    "occurred_at",
    "verdict",
    "reason",
    "note",
    "reviewer",
    "source",
    "judged_at",
)


def write_verdicts_csv(alerts: Iterable[StoredAlert], out: TextIO) -> None:
    """Every alert in time order; the verdict columns are empty for one never reviewed."""
    writer = csv.writer(out)
    writer.writerow(VERDICT_COLUMNS)
    for alert in alerts:
        verdict = alert.verdict
        writer.writerow(
            [
                alert.event.id,
                alert.event.camera,
                alert.event.skill,
                alert.mode,
                alert.occurred_at.isoformat(timespec="seconds"),
                *(
                    [
                        verdict.verdict.value,
                        verdict.reason.value if verdict.reason else "",
                        verdict.note or "",
                        verdict.reviewer,
                        verdict.source,
                        verdict.at.isoformat(timespec="seconds"),
                    ]
                    if verdict
                    else [""] * 6
                ),
            ]
        )
