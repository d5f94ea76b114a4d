"""Retention of every store the bridge writes: what is older than its setting is deleted.

The running bridge calls `purge_expired` every `[retention] purge_every_min`; `genetec-bridge purge`
does it once (for a stopped bridge, or from cron). The outbox is pruned by the delivery service as it
runs, so the bridge leaves it out here; the command includes it. The statistics store (counts, analysed
time, availability, alerts) keeps `counts_days`. Stores that do not exist yet in this process (review
verdicts, track history) have their settings in [retention] for the components that will keep them.
"""

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox

log = logging.getLogger(__name__)

ACTOR = "retention"


@dataclass(frozen=True)
class PurgeResult:
    outbox_delivered: int = 0
    outbox_rejected: int = 0
    audit_entries: int = 0
    statistics_rows: int = 0

    def summary(self) -> str:
        return (
            f"outbox: {self.outbox_delivered} delivered and {self.outbox_rejected} refused events; "
            f"audit: {self.audit_entries} entries; statistics: {self.statistics_rows} rows"
        )


def purge_expired(
    site: SiteConfig,
    trail: AuditTrail,
    now: datetime | None = None,
    outbox: Outbox | None = None,
    statistics: StatisticsStore | None = None,
) -> PurgeResult:
    """Delete what each store holds past its retention; record what went in the audit trail.

    `statistics` is the bridge's open store; without it the store at counting.store_path is opened, if
    there is one (a purge never creates it)."""
    now = now or datetime.now(UTC)
    retention = site.retention
    pruned = (
        outbox.prune(site.delivery.keep_delivered_h * 3600.0, site.delivery.keep_rejected_h * 3600.0)
        if outbox is not None
        else None
    )
    # Bins (intervals, minutes, hours) that started before the cutoff go.
    statistics_before = now - timedelta(days=retention.counts_days)
    statistics_rows = _prune_statistics(site, statistics, statistics_before.timestamp())
    audit_entries = trail.purge(before=now - timedelta(days=retention.audit_days), actor=ACTOR)
    result = PurgeResult(
        outbox_delivered=pruned.delivered if pruned else 0,
        outbox_rejected=pruned.rejected if pruned else 0,
        audit_entries=audit_entries,
        statistics_rows=statistics_rows,
    )
    if result.outbox_delivered or result.outbox_rejected or result.statistics_rows:
        # The audit trail's own purge is already an entry of its own.
        trail.append(
            ACTOR,
            "retention.purge",
            "stores",
            {
                "outbox_delivered": result.outbox_delivered,
                "outbox_rejected": result.outbox_rejected,
                "statistics_rows": result.statistics_rows,
                "statistics_before": statistics_before.astimezone(UTC).isoformat(timespec="seconds"),
            },
        )
    return result


def _prune_statistics(site: SiteConfig, store: StatisticsStore | None, before: float) -> int:
    if store is not None:
        return store.prune(before)
    if not site.counting.store_path.is_file():
        return 0
    store = StatisticsStore(site.counting.store_path)
    try:
        return store.prune(before)
    finally:
        store.close()


async def purge_periodically(
    site: SiteConfig, trail: AuditTrail, statistics: StatisticsStore | None = None
) -> None:
    """The bridge's retention task: purge now, then every `purge_every_min`; failures are retried."""
    while True:
        try:
            result = await asyncio.to_thread(purge_expired, site, trail, statistics=statistics)
        except (OSError, sqlite3.Error) as error:
            log.error("retention purge failed (retried next time): %s", error)
        else:
            if result.audit_entries or result.statistics_rows:
                log.info("retention purge: %s", result.summary())
        await asyncio.sleep(site.retention.purge_every_min * 60.0)
