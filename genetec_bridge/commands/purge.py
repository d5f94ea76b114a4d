"""`genetec-bridge purge --config FILE`: delete now what every store holds past its retention."""

import argparse

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.privacy.retention import purge_expired


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purge",
        help="apply the retention settings now (the running bridge does it on its own)",
        description="Delete outbox events, statistics (counts, analysed time, availability, alerts) and "
        "audit entries older than their retention ([delivery] and [retention]); what went is recorded in "
        "the audit trail.",
    )
    parser.add_argument("--config", required=True, help="the site config file (TOML)")
    parser.set_defaults(handler=purge)


def purge(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    outbox = Outbox(site.delivery.outbox_path) if site.delivery.outbox_path.exists() else None
    try:
        result = purge_expired(site, AuditTrail(site.audit.path), outbox=outbox)
    finally:
        if outbox is not None:
            outbox.close()
    print(f"purged {result.summary()}")
    return 0
