"""`genetec-bridge assign-hosts` and `genetec-bridge site-status`: a site spread over several hosts.

assign-hosts  proposes each camera's analysis_host, balancing the cameras' expected load (fps) over
              the [[hosts]] by their capacity; prints the lines to set in the site file.
site-status   one health view of the whole site: every host's /status merged by camera (JSON);
              exit 0 when every host answers and every camera is reported by its host only, else 1.
"""

import argparse
import asyncio
import json

from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.site_hosts.assignment import balance, host_loads
from genetec_bridge.site_hosts.site_view import gather_statuses, merge


def register(subparsers: argparse._SubParsersAction) -> None:
    assign = subparsers.add_parser(
        "assign-hosts",
        help="propose each camera's analysis_host, balanced by expected load over the [[hosts]]",
        description=__doc__,
    )
    assign.add_argument("--config", required=True, help="the site config file (TOML)")
    assign.set_defaults(handler=_assign)
    view = subparsers.add_parser(
        "site-status", help="one health view of a site over several hosts (JSON)", description=__doc__
    )
    view.add_argument("--config", required=True, help="the site config file (TOML)")
    view.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for each host")
    view.set_defaults(handler=_site_status)


def _assign(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    if not site.hosts:
        print("the site has no [[hosts]]: one host analyses every camera")
        return INVALID_CONFIG
    placements = balance(site)
    capacity = {host.name: host.capacity for host in site.hosts}
    for host, load in sorted(host_loads(placements).items()):
        print(f"# host {host}: {load:g} frames/s expected (capacity {capacity[host]:g})")
    for placement in placements:
        current = site.camera(placement.camera_id).analysis_host
        change = "" if current == placement.host else f"  # was {current}"
        label = f" ({placement.camera_name})" if placement.camera_name else ""
        print(f"# camera {placement.camera_id}{label}, {placement.load:g} fps")
        print(f'analysis_host = "{placement.host}"{change}')
    return 0


def _site_status(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    if not site.hosts:
        print("the site has no [[hosts]]: see the bridge's own /status")
        return INVALID_CONFIG
    view = merge(site, asyncio.run(gather_statuses(site, args.timeout)))
    print(json.dumps(view.model_dump(mode="json"), indent=2))
    return 1 if view.problems else 0
