"""`genetec-lab fake-websdk`: run the fake Web SDK for tests and demos (never against a real site)."""

import argparse
import asyncio
import os
import time
from pathlib import Path

from genetec_bridge.config.site import DEV_APPLICATION_ID
from genetec_bridge.lab.fake_websdk.failures import Failures
from genetec_bridge.lab.fake_websdk.routes import Credentials
from genetec_bridge.lab.fake_websdk.server import FakeWebSdkServer, serve
from genetec_bridge.lab.fake_websdk.state import FakeState

PASSWORD_ENV = "FAKE_WEBSDK_PASSWORD"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fake-websdk",
        help="Run a fake Genetec Web SDK server (tests, demos).",
        description="A fake Genetec Web SDK over real HTTP. Control API under /_fake/ (local clients only).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
    parser.add_argument("--port", type=int, default=4590, help="Port (default 4590; 0 picks a free one).")
    parser.add_argument(
        "--cameras", type=Path, required=True, help="JSON file of cameras, alarms, custom events."
    )
    parser.add_argument("--record", type=Path, help="Append every received request to this JSONL file.")
    parser.add_argument("--username", default="admin", help="The one Security Center user (default admin).")
    parser.add_argument(
        "--password",
        help=f"Its password (default: ${PASSWORD_ENV}, else 'fake-password'; a test value only).",
    )
    parser.add_argument(
        "--application-id", action="append", help="Licensed application id (repeatable; default the dev id)."
    )
    parser.add_argument("--wrong-password-status", type=int, choices=(401, 403), default=403)
    parser.add_argument("--force-status", type=int, choices=(401, 403, 503), help="Answer every request so.")
    parser.add_argument("--fail-next", type=int, default=0, help="Answer the next N requests Fail (-1: all).")
    parser.add_argument(
        "--fail-code", default="InvalidOperation", help="SdkErrorCode of injected Fail answers."
    )
    parser.add_argument("--delay", type=float, default=0.0, help="Seconds before each answer (slowness).")
    parser.add_argument(
        "--outage", choices=("503", "refuse", "hang"), help="Start in an outage of this kind."
    )
    parser.add_argument("--outage-duration", type=float, default=60.0, help="Seconds the start outage lasts.")
    parser.add_argument("--keepalive", type=float, default=5.0, help="Seconds between stream KeepAlives.")
    parser.add_argument("--drop-stream-after", type=float, help="Drop event streams after this many seconds.")
    parser.add_argument(
        "--single-result-as-list", action="store_true", help="One-entity reads answer a list."
    )
    parser.add_argument("--no-alarm-instance-id", action="store_true", help="TriggerAlarm answers no Result.")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    failures = Failures(
        wrong_password_status=args.wrong_password_status,
        force_status=args.force_status,
        fail_next=args.fail_next,
        fail_code=args.fail_code,
        delay_s=args.delay,
        keepalive_s=args.keepalive,
        drop_stream_after_s=args.drop_stream_after,
        single_result_as_list=args.single_result_as_list,
        alarm_instance_id=not args.no_alarm_instance_id,
    )
    credentials = Credentials(
        args.username,
        args.password or os.environ.get(PASSWORD_ENV, "fake-password"),
        frozenset(args.application_id or [DEV_APPLICATION_ID]),
    )
    server = FakeWebSdkServer(
        FakeState.from_file(args.cameras, args.record), failures, credentials, args.host, args.port
    )
    if args.outage == "503":
        failures.outage_until = time.monotonic() + args.outage_duration
    elif args.outage == "hang":
        failures.hang_until = time.monotonic() + args.outage_duration
    refuse_s = args.outage_duration if args.outage == "refuse" else 0.0
    asyncio.run(serve(server, refuse_s))
    return 0
