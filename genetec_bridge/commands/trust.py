"""`genetec-bridge trust status|promote|demote|export`: the trust loop from the command line.

status: per skill and camera, its mode, alerts, verdicts, false-alert rate with its 95 % bounds, and
whether going live is offered. promote: go live (refused while the gate is closed, unless --reason
gives a written reason, audited). demote: back to shadow (--reason required). export: the figures
per skill, camera and week as CSV. Cameras are named by GUID or by their configured name.
"""

import argparse
import getpass
import sys
from pathlib import Path

from genetec_bridge.commands import INVALID_CONFIG, load_site_or_report
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.trust.figures import SkillFigures
from genetec_bridge.trust.service import TrustError, TrustService

REFUSED = 3
"""Exit status when the trust loop refuses the request (gate closed, unknown skill, ...)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trust",
        help="skills' shadow or live mode, false-alert figures, going live and back",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="trust_command", required=True)
    status = actions.add_parser("status", help="mode and figures of every skill with an alert")
    export = actions.add_parser("export", help="figures per skill, camera and week as CSV")
    export.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    promote = actions.add_parser("promote", help="make a skill live (operators see its alerts)")
    promote.add_argument(
        "--reason", help="written reason, required to go live while the gate is closed (audited)"
    )
    demote = actions.add_parser("demote", help="send a live skill back to shadow")
    demote.add_argument("--reason", required=True, help="written reason (audited)")
    for sub in (promote, demote):
        sub.add_argument("camera", help="camera GUID or configured name")
        sub.add_argument("skill", help="skill name as configured, e.g. loitering:Parvis")
        sub.add_argument("--by", default=None, help="who decides (default: the logged-in user)")
    for sub in (status, export, promote, demote):
        sub.add_argument("--config", required=True, type=Path, help="the site config file (TOML)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    site = load_site_or_report(args.config)
    if site is None:
        return INVALID_CONFIG
    service = TrustService(site)
    try:
        if args.trust_command == "status":
            service.initialise_modes()
            print(format_status(service.figures()))
        elif args.trust_command == "export":
            if args.out is None:
                service.export_csv(sys.stdout)
            else:
                with args.out.open("w", newline="", encoding="utf-8") as out:
                    service.export_csv(out)
        elif args.trust_command == "promote":
            state = service.promote(
                _camera_id(site, args.camera), args.skill, args.by or getpass.getuser(), args.reason
            )
            print(f"{state.skill} on camera {state.camera} is live")
        else:
            state = service.demote(
                _camera_id(site, args.camera), args.skill, args.by or getpass.getuser(), args.reason
            )
            print(f"{state.skill} on camera {state.camera} is in shadow")
    except TrustError as error:
        print(f"trust: {error}", file=sys.stderr)
        return REFUSED
    finally:
        service.close()
    return 0


def _camera_id(site: SiteConfig, reference: str) -> str:
    for camera in site.cameras:
        if reference.strip("{}").lower() == camera.id or reference == camera.name:
            return camera.id
    names = ", ".join(f"{c.name or '?'} ({c.id})" for c in site.cameras)
    raise TrustError(f"no camera {reference!r} in the config (cameras: {names})")


def format_status(figures: list[SkillFigures]) -> str:
    header = (
        f"{'camera':<24} {'skill':<24} {'mode':<8} {'alerts':>6} {'true':>5} {'false':>5} {'?':>4}"
        f" {'rate':>6} {'upper95':>7} {'wilson95':>13}  gate"
    )
    lines = [header]
    for f in figures:
        rate = f.tally.rate
        shown = "-" if rate.rate is None else f"{rate.rate:.1%}"
        gate = "go live offered" if f.gate.offered else "closed"
        if f.mode == "live":
            gate = "DEGRADED" if f.watch.degraded else "live, watched"
        elif f.gate.true_verdicts_needed is not None:
            gate += f" ({f.gate.true_verdicts_needed} more true verdicts with no false one)"
        lines.append(
            f"{(f.camera_name or f.camera_id)[:24]:<24} {f.skill[:24]:<24} {f.mode:<8} {f.tally.alerts:>6}"
            f" {f.tally.true:>5} {f.tally.false:>5} {f.tally.cannot_tell:>4} {shown:>6}"
            f" {rate.exact_upper:>7.1%} {f'{rate.wilson_low:.1%}-{rate.wilson_high:.1%}':>13}  {gate}"
        )
    return "\n".join(lines)
