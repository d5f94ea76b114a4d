"""`genetec-bridge counts export`: the traffic counts of a period, as open-data CSV or NGSI-LD JSON.

    genetec-bridge counts export --config FILE --from 2026-03-01 --to 2026-03-08 --format csv [--period hour]

Dates are local days of the site's time zone ([counting] timezone); --to is excluded. CSV writes two files in --out: the points (points-comptage.csv) and the
measures (comptages-FROM-TO-PERIOD.csv); NGSI-LD writes trafficflowobserved-FROM-TO-PERIOD.json.
"""

import argparse
import sys
from datetime import date
from pathlib import Path

from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.counting.export_files import FORMATS, write_exports
from genetec_bridge.counting.local_time import midnight
from genetec_bridge.counting.series import DAY_S, HOUR_S, counting_points
from genetec_bridge.counting.store import StatisticsStore

PERIODS = {"interval": None, "hour": HOUR_S, "day": DAY_S}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("counts", help="traffic counts: export them for the city's open data")
    actions = parser.add_subparsers(dest="counts_action", required=True)
    export = actions.add_parser("export", help=__doc__.split("\n\n")[0], description=__doc__)
    export.add_argument("--config", required=True, help="the site config file (TOML)")
    export.add_argument("--from", dest="start", required=True, type=day, help="first local day, YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, type=day, help="local day after the last one")
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument(
        "--period",
        choices=tuple(PERIODS),
        default="interval",
        help="the skill's interval, or hourly/daily sums",
    )
    export.add_argument("--out", type=Path, default=Path("."), help="directory the files are written to")
    export.set_defaults(handler=run)


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day like 2026-03-01") from None


def run(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    if args.end <= args.start:
        print("counts export: --to must be after --from", file=sys.stderr)
        return 2
    path = site.counting.store_path
    if not path.is_file():
        print(f"counts export: no statistics store at {path} (counting.store_path)", file=sys.stderr)
        return 1
    stem = f"{args.start}-{args.end}-{args.period}"
    store = StatisticsStore(path)
    try:
        written = write_exports(
            args.out,
            store,
            counting_points(site),
            midnight(args.start, site.counting.zone),
            midnight(args.end, site.counting.zone),
            PERIODS[args.period],
            stem,
            (args.format,),
        )
    except ValueError as error:
        print(f"counts export: {error} (its counting skill's interval_s)", file=sys.stderr)
        return 2
    finally:
        store.close()
    for file in written:
        print(file)
    return 0
