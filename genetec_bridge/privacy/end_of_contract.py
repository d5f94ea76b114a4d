"""End of contract: give the city what it is owed, remove what the product created in Security Center,
then erase every store, so the product can be uninstalled and Security Center works as before.

Order matters. The custom event definitions the product uses or created are listed first (nothing
changes without confirmation). Once confirmed they are removed, each removal recorded in the audit
trail; then the export is written (counts, the trust loop's figures and verdicts, audit trail with its
verification, privacy documents, a summary), so it includes those removals; only once the export is on disk are the stores erased. A
failure at any step leaves the later steps undone and the command can be run again. Bookmarks and
the events already raised stay in Security Center's archive, which belongs to the city. The bridge
must be stopped first, or it would write to the stores again.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from analytics.config.state_paths import state_dir
from genetec_bridge.app import custom_event_definitions
from genetec_bridge.audit.trail import CUSTOM_EVENTS_CREATED, AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.export_files import write_exports
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox, delivery_lock_path
from genetec_bridge.privacy.documents import site_documents, write_documents
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.wording import LANGUAGES
from genetec_bridge.trust.export import write_verdicts_csv
from genetec_bridge.trust.service import TrustService
from genetec_bridge.trust.store import existing_trust_store
from genetec_bridge.websdk.client import CustomEventDefinition, WebSdkClient

ACTOR = "end-of-contract"
# SQLite keeps these beside a database in WAL mode.
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Plan:
    custom_events: list[CustomEventDefinition]
    files: list[Path]


def product_custom_event_ids(site: SiteConfig, trail: AuditTrail) -> set[int]:
    """The ids the site routes alerts to, and any the audit trail says the bridge created."""
    created = {
        int(event_id)
        for entry in trail.entries()
        if entry.action == CUSTOM_EVENTS_CREATED
        for event_id in entry.details.get("ids", [])
    }
    return set(custom_event_definitions(site)) | created


def store_files(site: SiteConfig) -> list[Path]:
    """Every file the product's stores hold now."""
    candidates = [
        database.with_name(database.name + suffix)
        for database in (site.delivery.outbox_path, site.counting.store_path, site.trust.store_path)
        for suffix in ("", *_SQLITE_COMPANIONS)
    ]
    candidates.append(delivery_lock_path(site.delivery.outbox_path))
    candidates += AuditTrail(site.audit.path).files()
    return [path for path in candidates if path.is_file()]


async def plan(site: SiteConfig, client: WebSdkClient, trail: AuditTrail) -> Plan:
    ours = product_custom_event_ids(site, trail)
    on_server = await client.list_custom_events()
    return Plan([event for event in on_server if event.id in ours], store_files(site))


async def remove_custom_events(client: WebSdkClient, plan: Plan, trail: AuditTrail) -> None:
    for event in plan.custom_events:
        await client.remove_custom_event(event.id)
        trail.append(
            ACTOR, "websdk.custom_event.removed", "Security Center", {"id": event.id, "name": event.name}
        )


def export(site: SiteConfig, trail: AuditTrail, directory: Path, plan: Plan) -> list[Path]:
    """Write what the city is owed under `directory`; the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = _statistics(site, trail, directory)
    written += _trust(site, trail, directory / "trust")
    written += trail.export(directory / "audit")
    written += write_documents(site_documents(site), directory / "privacy-documents", ["md", "html"])
    summary = directory / "summary.json"
    summary.write_text(
        json.dumps(_summary(site, plan), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [*written, summary]


def _statistics(site: SiteConfig, trail: AuditTrail, directory: Path) -> list[Path]:
    """The counts of every interval held (open-data CSV and NGSI-LD) in counts/, and the monthly report
    (HTML and PDF, each language) of every month held in reports/."""
    # Here, not at the top: WeasyPrint and matplotlib would slow the start of every command.
    from genetec_bridge.reports.render import write_reports

    if not site.counting.store_path.is_file():
        return []
    store = StatisticsStore(site.counting.store_path)
    try:
        held = store.span()
        if held is None:
            return []
        # Whole UTC days, from the first one held to the last.
        first = datetime.fromtimestamp(held[0], UTC).date()
        last = datetime.fromtimestamp(held[1], UTC).date()
        start = datetime.combine(first, datetime.min.time(), UTC)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
        stem = f"{first}-{end.date()}-interval"
        points = counting_points(site)
        written = write_exports(
            directory / "counts", store, points, start.timestamp(), end.timestamp(), None, stem
        )
        now = datetime.now(UTC)
        with existing_trust_store(site.trust.store_path) as trust:
            for month in _months(first, last):
                report = gather(site, store, trail, trust, month, now)
                written += write_reports(report, directory / "reports", LANGUAGES)
    finally:
        store.close()
    return written


def _trust(site: SiteConfig, trail: AuditTrail, directory: Path) -> list[Path]:
    """The trust loop's figures per skill, camera and week (the `trust export` CSV) and every verdict,
    in trust/."""
    with existing_trust_store(site.trust.store_path) as store:
        if store is None:
            return []
        directory.mkdir(parents=True, exist_ok=True)
        figures, verdicts = directory / "trust-figures.csv", directory / "verdicts.csv"
        with figures.open("w", encoding="utf-8", newline="") as out:
            TrustService(site, store, trail).export_csv(out)
        with verdicts.open("w", encoding="utf-8", newline="") as out:
            write_verdicts_csv(store.alerts(), out)
    return [figures, verdicts]


def _months(first: date, last: date) -> list[Month]:
    """The months from the one of `first` to the one of `last`, both included."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(Month(year, month))
        year, month = year + month // 12, month % 12 + 1
    return months


def _summary(site: SiteConfig, plan: Plan) -> dict[str, Any]:
    outbox: dict[str, Any] | None = None
    if site.delivery.outbox_path.exists():
        store = Outbox(site.delivery.outbox_path)
        try:
            stats = store.stats()
            outbox = {
                "produced": stats.produced,
                "delivered": stats.delivered,
                "pending": stats.pending,
                "rejected": stats.rejected,
                "alarm_responses": [row.model_dump() for row in store.alarm_responses()],
            }
        finally:
            store.close()
    return {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "outbox": outbox,
        "custom_events_removed": [{"id": event.id, "name": event.name} for event in plan.custom_events],
        "stores_erased": [str(path) for path in store_files(site)],
    }


def erase(site: SiteConfig) -> list[Path]:
    """Delete every store file, then the stores' own directories once empty; the files deleted."""
    files = store_files(site)
    for path in files:
        path.unlink()
    # The state directory itself stays (systemd owns it); the stores' own subdirectories go.
    stores = {site.delivery.outbox_path, site.counting.store_path, site.trust.store_path, site.audit.path}
    for directory in {store.parent for store in stores} - {state_dir()}:
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    return files
