"""Retention of every store the bridge writes: what is older than its setting is deleted.

The running bridge calls `purge_expired` every `[retention] purge_every_min`; `genetec-bridge purge`
does it once (for a stopped bridge, or from cron). The outbox is pruned by the delivery service as it
runs, so the bridge leaves it out here; the command includes it. Stores that do not exist yet in this
process (review verdicts, a counts database, track history) have their settings in [retention] for the
components that will keep them.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.csv_files import DailyCountsFiles
from genetec_bridge.delivery.outbox import Outbox

log = logging.getLogger(__name__)

ACTOR = "retention"


@dataclass(frozen=True)
class PurgeResult:
    outbox_delivered: int = 0
    outbox_rejected: int = 0
    audit_entries: int = 0
    count_files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"outbox: {self.outbox_delivered} delivered and {self.outbox_rejected} refused events; "
            f"audit: {self.audit_entries} entries; counts: {len(self.count_files)} daily files"
        )


def purge_expired(
    site: SiteConfig, trail: AuditTrail, now: datetime | None = None, outbox: Outbox | None = None
) -> PurgeResult:
    """Delete what each store holds past its retention; record what went in the audit trail."""
    now = now or datetime.now(UTC)
    retention = site.retention
    pruned = (
        outbox.prune(site.delivery.keep_delivered_h * 3600.0, site.delivery.keep_rejected_h * 3600.0)
        if outbox is not None
        else None
    )
    # A daily file goes once its whole UTC day is older than the retention.
    count_files = DailyCountsFiles(site.counting.export_dir).purge(
        before=(now.astimezone(UTC) - timedelta(days=retention.counts_days)).date()
    )
    audit_entries = trail.purge(before=now - timedelta(days=retention.audit_days), actor=ACTOR)
    result = PurgeResult(
        outbox_delivered=pruned.delivered if pruned else 0,
        outbox_rejected=pruned.rejected if pruned else 0,
        audit_entries=audit_entries,
        count_files=[path.name for path in count_files],
    )
    if result.outbox_delivered or result.outbox_rejected or result.count_files:
        # The audit trail's own purge is already an entry of its own.
        trail.append(
            ACTOR,
            "retention.purge",
            "stores",
            {
                "outbox_delivered": result.outbox_delivered,
                "outbox_rejected": result.outbox_rejected,
                "count_files": result.count_files,
            },
        )
    return result


async def purge_periodically(site: SiteConfig, trail: AuditTrail) -> None:
    """The bridge's retention task: purge now, then every `purge_every_min`; failures are retried."""
    while True:
        try:
            result = await asyncio.to_thread(purge_expired, site, trail)
        except OSError as error:
            log.error("retention purge failed (retried next time): %s", error)
        else:
            if result.audit_entries or result.count_files:
                log.info("retention purge: %s", result.summary())
        await asyncio.sleep(site.retention.purge_every_min * 60.0)
