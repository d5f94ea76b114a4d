"""`genetec-bridge audit verify|export --config FILE`: check the audit trail, or copy it for an auditor."""

import argparse
from pathlib import Path

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report

BROKEN = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="verify the audit trail or export it for an auditor",
        description="verify: exit 1 listing every altered, removed or reordered entry. export: copy the "
        "log, its head, a CSV of the entries and the verification result (with the log's SHA-256) to DIR.",
    )
    parser.add_argument("action", choices=("verify", "export"))
    parser.add_argument("--config", required=True, help="the site config file (TOML): [audit] path")
    parser.add_argument("--out", type=Path, help="export: the directory to write")
    parser.set_defaults(handler=audit)


def audit(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    trail = AuditTrail(site.audit.path)
    if args.action == "export":
        if args.out is None:
            print("audit export: give --out DIR")
            return INVALID_CONFIG
        for path in trail.export(args.out):
            print(f"wrote {path}")
    problems = trail.verify()
    for problem in problems:
        print(f"{trail.path}: {problem}")
    if problems:
        return BROKEN
    print(f"{trail.path}: {len(trail.entries())} entries, intact")
    return 0
