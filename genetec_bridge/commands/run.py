"""`genetec-bridge run --config FILE`: run the bridge until SIGTERM or SIGINT."""

import argparse
import asyncio
import gc
import signal
import sys
from pathlib import Path

from genetec_bridge.app import Bridge
from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.logging_setup import configure_logging


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the bridge: cameras, analytics daemon, delivery to Security Center, health",
        description="Validate the site config (exit 2 listing the problems; also when the daemon's model is"
        " missing, saying where it was looked for), then run until SIGTERM or SIGINT.",
    )
    parser.add_argument("--config", required=True, help="the site config file (TOML)")
    parser.add_argument(
        "--host",
        help="on a site with [[hosts]]: this host's name; the bridge runs its cameras only (required there)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    if site.hosts or args.host:
        try:
            if args.host is None:
                raise KeyError(f"the site has [[hosts]] {[h.name for h in site.hosts]}: pass --host NAME")
            site = site.for_host(args.host)
        except KeyError as error:
            print(f"genetec-bridge run: {error.args[0]}", file=sys.stderr)
            return INVALID_CONFIG
    missing = site.daemon.missing_model()
    if missing is not None:
        print(f"genetec-bridge run: {missing}", file=sys.stderr)
        return INVALID_CONFIG
    configure_logging("bridge")
    bridge = Bridge(site, Path(args.config))
    # What start-up built (modules, the site's models, 90 cameras' readers) lives as long as the bridge:
    # kept out of the collector's full passes, which would otherwise walk it and hold the event loop.
    gc.freeze()
    asyncio.run(_serve(bridge))
    return 0


async def _serve(bridge: Bridge) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await bridge.run(stop)
