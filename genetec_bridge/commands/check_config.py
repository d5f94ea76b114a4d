"""`genetec-bridge check-config FILE`: validate the integrator's file and say what it configures."""

import argparse

from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.config.summary import describe_site


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-config",
        help="validate a site config file and summarise it",
        description="Validate the integrator's TOML file (secrets resolved, never shown) and summarise it. "
        "Exit status 2 when the file is invalid, with one line per problem: KEY (line N): message.",
    )
    parser.add_argument("file", help="the site config file (TOML)")
    parser.set_defaults(handler=check_config)


def check_config(args: argparse.Namespace) -> int:
    config = load_site_or_report(args.file)
    if config is None:
        return INVALID_CONFIG
    print(f"{args.file}: valid")
    for line in describe_site(config):
        print(line)
    return 0
