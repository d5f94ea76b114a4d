"""`genetec-bridge breach-report --config FILE --from T [--to T] [--json]`: what the product held, and
where, in a time window, to help the controller notify a breach within the legal delay."""

import argparse
from datetime import UTC, datetime

from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.privacy.inventory import breach_inventory, inventory_json, inventory_text


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO 8601 time, e.g. 2026-03-01T08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "breach-report",
        help="list what data the product held, and where, in a time window",
        description="For each store (outbox, statistics store of the traffic counts, audit trail, and any other file in the state "
        "directory): where it is, how many records fall in the window and what kind of data they are. "
        "Times without a zone are UTC.",
    )
    parser.add_argument("--config", required=True, help="the site config file (TOML)")
    parser.add_argument("--from", dest="start", required=True, type=_moment, help="start of the window")
    parser.add_argument("--to", dest="end", type=_moment, help="end of the window (default: now)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=breach_report)


def breach_report(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    end = args.end or datetime.now(UTC)
    if end <= args.start:
        print("breach-report: --to must be after --from")
        return INVALID_CONFIG
    holdings = breach_inventory(site, args.start, end)
    if args.json:
        print(inventory_json(holdings, args.start, end))
    else:
        print("\n".join(inventory_text(holdings, args.start, end)))
    return 0
