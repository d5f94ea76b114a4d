"""`genetec-bridge report --month YYYY-MM`: the steering committee's monthly report, HTML and PDF.

    genetec-bridge report --config FILE --month 2026-03 [--language fr|en|all] [--out DIR] [--audit FILE]

Writes report-YYYY-MM-LANG.html and .pdf in --out for each language. Reads the statistics store
(counting.store_path), the audit trail (default: the site's, audit.path) and, where a site has one, the
trust store (trust.store_path): alerts, verdicts, false-alert rates and modes.
"""

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.wording import LANGUAGES
from genetec_bridge.trust.store import existing_trust_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument("--config", required=True, help="the site config file (TOML)")
    parser.add_argument(
        "--month",
        required=True,
        type=_month,
        help="the month, YYYY-MM, in the site's time zone ([counting] timezone)",
    )
    parser.add_argument("--language", choices=(*LANGUAGES, "all"), default="all")
    parser.add_argument("--out", type=Path, default=Path("."), help="directory the report is written to")
    parser.add_argument(
        "--audit", type=Path, help="the audit trail (JSON lines); default the site's audit.path"
    )
    parser.set_defaults(handler=run)


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    # Here, not at the top: every `genetec-bridge` command imports this module to register it, and
    # WeasyPrint with matplotlib would add seconds to the start of `run`.
    from genetec_bridge.reports.render import write_reports

    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    path = site.counting.store_path
    if not path.is_file():
        print(f"report: no statistics store at {path} (counting.store_path)", file=sys.stderr)
        return 1
    store = StatisticsStore(path)
    try:
        audit = AuditTrail(args.audit or site.audit.path)
        with existing_trust_store(site.trust.store_path) as trust:
            report = gather(site, store, audit, trust, args.month, datetime.now(UTC))
    finally:
        store.close()
    languages = LANGUAGES if args.language == "all" else (args.language,)
    for file in write_reports(report, args.out, languages):
        if file.suffix == ".pdf":
            print(file)
    return 0
