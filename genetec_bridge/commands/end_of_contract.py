"""`genetec-bridge end-of-contract --config FILE --export DIR [--yes]`: export what the city is owed,
remove the product's custom events from Security Center, erase every store. Stop the bridge first."""

import argparse
import asyncio
import sqlite3
from pathlib import Path

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.privacy import end_of_contract
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "end-of-contract",
        help="export the city's data, remove the product's custom events from Security Center, erase all",
        description="Without --yes, list what would be removed and erased, and change nothing. With --yes: "
        "remove the product's custom event definitions from Security Center (bookmarks and past events "
        "stay in its archive), write the export (counts as open-data CSV and NGSI-LD, monthly reports, audit "
        "trail, privacy documents, summary) to DIR, then erase the outbox, statistics store and audit trail. "
        "Stop the bridge first.",
    )
    parser.add_argument("--config", required=True, help="the site config file (TOML)")
    parser.add_argument("--export", required=True, type=Path, help="directory for what the city is owed")
    parser.add_argument("--yes", action="store_true", help="do it (default: only list what would be done)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    try:
        return asyncio.run(_end(site, args.export, args.yes))
    except (WebSdkError, OSError, sqlite3.Error) as error:
        print(f"end-of-contract stopped, nothing after this step was done: {error}")
        return FAILED


async def _end(site, export_dir: Path, confirmed: bool) -> int:
    trail = AuditTrail(site.audit.path)
    async with WebSdkClient.from_config(site.genetec) as client:
        plan = await end_of_contract.plan(site, client, trail)
        print(f"Custom event definitions of the product in Security Center ({len(plan.custom_events)}):")
        for event in plan.custom_events:
            print(f"  {event.id} {event.name} ({event.entity_type})")
        print(f"Store files to erase ({len(plan.files)}):")
        for path in plan.files:
            print(f"  {path}")
        print(f"Export to: {export_dir}")
        if not confirmed:
            print("Nothing changed. Run again with --yes to do it.")
            return 0
        await end_of_contract.remove_custom_events(client, plan, trail)
    print(f"removed {len(plan.custom_events)} custom event definition(s); bookmarks stay in the archive")
    written = end_of_contract.export(site, trail, export_dir, plan)
    print(f"wrote {len(written)} file(s) to {export_dir}")
    erased = end_of_contract.erase(site)
    print(f"erased {len(erased)} file(s)")
    return 0
