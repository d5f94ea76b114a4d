"""`genetec-bridge check-config FILE`: validate the integrator's file and say what it configures."""

import argparse
import sys

from analytics.config_file import ConfigError
from genetec_bridge.config.site import load_site_config
from genetec_bridge.config.summary import describe_site

INVALID_CONFIG = 2


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
    try:
        config = load_site_config(args.file)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return INVALID_CONFIG
    print(f"{args.file}: valid")
    for line in describe_site(config):
        print(line)
    return 0
