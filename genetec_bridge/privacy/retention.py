"""Retention of every store the bridge writes: what is older than its setting is deleted.

The running bridge calls `purge_expired` every `[retention] purge_every_min`; `genetec-bridge purge`
does it once (for a stopped bridge, or from cron). The outbox is pruned by the delivery service as it
runs, so the bridge leaves it out here; the command includes it. The statistics store (counts, analysed
time, availability, alerts) keeps `counts_days`, and its analysed time is rolled up from minutes into
hours after ROLL_UP_AFTER (a store sized by hours, not minutes, at 90 cameras); the trust store keeps
alerts (with their evidence) and their verdicts `verdicts_days`, and each skill's mode for good
(configuration, not personal data). Track history is held in memory only, never past
`track_history_h` nor an hour (genetec_bridge.link.track_history): a restart clears it.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.trust.store import PrunedTrust, TrustStore
from genetec_bridge.workers import WorkerPool

log = logging.getLogger(__name__)

ACTOR = "retention"
ROLL_UP_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class PurgeResult:
    outbox_delivered: int = 0
    outbox_rejected: int = 0
    audit_entries: int = 0
    statistics_rows: int = 0
    statistics_rolled_up: int = 0
    trust_alerts: int = 0
    trust_verdicts: int = 0

    def summary(self) -> str:
        return (
            f"outbox: {self.outbox_delivered} delivered and {self.outbox_rejected} refused events; "
            f"audit: {self.audit_entries} entries; statistics: {self.statistics_rows} rows"
            f" ({self.statistics_rolled_up} minutes rolled up into hours); "
            f"trust: {self.trust_alerts} alerts and {self.trust_verdicts} verdicts"
        )

    @property
    def deleted_records(self) -> bool:
        """Anything but audit entries went (the audit trail's purge is an entry of its own)."""
        return any(
            (
                self.outbox_delivered,
                self.outbox_rejected,
                self.statistics_rows,
                self.trust_alerts,
                self.trust_verdicts,
            )
        )


def purge_expired(
    site: SiteConfig,
    trail: AuditTrail,
    now: datetime | None = None,
    outbox: Outbox | None = None,
    statistics: StatisticsStore | None = None,
    trust: TrustStore | None = None,
) -> PurgeResult:
    """Delete what each store holds past its retention; record what went in the audit trail.

    `statistics` and `trust` are the bridge's open stores; without them the stores at
    counting.store_path and trust.store_path are opened, if they exist (a purge never creates one)."""
    now = now or datetime.now(UTC)
    retention = site.retention
    pruned = (
        outbox.prune(site.delivery.keep_delivered_h * 3600.0, site.delivery.keep_rejected_h * 3600.0)
        if outbox is not None
        else None
    )
    # Bins (intervals, minutes, hours) that started before the cutoff go.
    statistics_before = now - timedelta(days=retention.counts_days)
    statistics_rows = _on_store(
        statistics,
        site.counting.store_path,
        StatisticsStore,
        lambda store: store.prune(statistics_before.timestamp()),
        0,
    )
    rolled_up = _on_store(
        statistics,
        site.counting.store_path,
        StatisticsStore,
        lambda store: store.roll_up((now - ROLL_UP_AFTER).timestamp()),
        0,
    )
    # Alerts that occurred before the cutoff go, with their verdicts.
    trust_before = now - timedelta(days=retention.verdicts_days)
    trust_pruned = _on_store(
        trust,
        site.trust.store_path,
        TrustStore,
        lambda store: store.prune(trust_before.timestamp()),
        PrunedTrust(0, 0),
    )
    audit_entries = trail.purge(before=now - timedelta(days=retention.audit_days), actor=ACTOR)
    result = PurgeResult(
        outbox_delivered=pruned.delivered if pruned else 0,
        outbox_rejected=pruned.rejected if pruned else 0,
        audit_entries=audit_entries,
        statistics_rows=statistics_rows,
        statistics_rolled_up=rolled_up,
        trust_alerts=trust_pruned.alerts,
        trust_verdicts=trust_pruned.verdicts,
    )
    if result.deleted_records:
        trail.append(
            ACTOR,
            "retention.purge",
            "stores",
            {
                "outbox_delivered": result.outbox_delivered,
                "outbox_rejected": result.outbox_rejected,
                "statistics_rows": result.statistics_rows,
                "statistics_before": statistics_before.astimezone(UTC).isoformat(timespec="seconds"),
                "trust_alerts": result.trust_alerts,
                "trust_verdicts": result.trust_verdicts,
                "trust_before": trust_before.astimezone(UTC).isoformat(timespec="seconds"),
            },
        )
    return result


S = TypeVar("S", bound="_Closable")
T = TypeVar("T")


class _Closable(Protocol):
    def close(self) -> None: ...


def _on_store(
    store: S | None, path: Path, open_store: Callable[[Path], S], work: Callable[[S], T], nothing: T
) -> T:
    """`work` on the open `store`, or on the one at `path` if it exists (opened and closed here): a purge
    never creates a store."""
    if store is not None:
        return work(store)
    if not path.is_file():
        return nothing
    opened = open_store(path)
    try:
        return work(opened)
    finally:
        opened.close()


async def purge_periodically(
    site: SiteConfig,
    trail: AuditTrail,
    statistics: StatisticsStore | None = None,
    trust: TrustStore | None = None,
) -> None:
    """The bridge's retention task: purge now, then every `purge_every_min`; failures are retried. The purge
    runs in a thread of its own: it streams a year of audit trail, which must not wait behind the box."""
    pool = WorkerPool("retention")
    while True:
        try:
            result = await pool.run(purge_expired, site, trail, statistics=statistics, trust=trust)
        except (OSError, sqlite3.Error) as error:
            log.error("retention purge failed (retried next time): %s", error)
        else:
            if result.audit_entries or result.deleted_records:
                log.info("retention purge: %s", result.summary())
        await asyncio.sleep(site.retention.purge_every_min * 60.0)
