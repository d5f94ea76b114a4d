"""`genetec-bridge deliver`: drain the outbox to Security Center (maintenance tool; runs until stopped).

The config file gives the Web SDK connection and the delivery settings. Without one (before a site file
exists, or for a lab), `--url`, `--username`, `--outbox` and the password in $GENETEC_PASSWORD do.

One deliverer per outbox: delivering starts by claiming the outbox (outbox.py, `claim_delivery`). When
the bridge or another `deliver` holds the claim, this command sends nothing, says who holds it, and exits
with status 3: two deliverers would each raise the same pending events.

`--list-parked` prints the events delivery gave up on, with their reason; `--requeue-parked [ID ...]`
puts them (all, or those named) back in the queue. Both only change rows, in one transaction, and exit,
so they need no claim and work while the bridge runs: the bridge, polling the same outbox, delivers the
requeued events.
"""

import argparse
import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

from analytics.config.loader import ConfigError
from genetec_bridge.config.site import DEV_APPLICATION_ID, DeliveryConfig, load_site_config
from genetec_bridge.delivery.outbox import DeliveryClaimed, Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.logging_setup import configure_logging
from genetec_bridge.websdk.client import WebSdkClient

PASSWORD_ENV = "GENETEC_PASSWORD"
# Exit status when another process delivers the outbox.
CLAIMED = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "deliver", help="Deliver the events waiting in the outbox to Security Center."
    )
    parser.add_argument("--config", type=Path, help="Site config file (Web SDK and delivery tables).")
    parser.add_argument("--url", help="Web SDK base URL, without a config file.")
    parser.add_argument(
        "--username", help=f"Security Center user, without a config file (password: ${PASSWORD_ENV})."
    )
    parser.add_argument("--application-id", default=DEV_APPLICATION_ID)
    parser.add_argument("--outbox", type=Path, help="Outbox file (overrides the config's).")
    parser.add_argument("--until-empty", action="store_true", help="Exit once nothing deliverable is left.")
    parser.add_argument(
        "--list-parked", action="store_true", help="List the parked events with their reason, and exit."
    )
    parser.add_argument(
        "--requeue-parked",
        "--requeue-rejected",
        dest="requeue",
        nargs="*",
        metavar="EVENT_ID",
        help="Put parked events (all, or the ids given) back in the queue, and exit.",
    )
    parser.add_argument("--retry-initial", type=float, help="First retry delay, seconds.")
    parser.add_argument("--retry-max", type=float, help="Longest retry delay, seconds.")
    parser.add_argument("--max-per-minute", type=int, help="Events per camera and minute at most.")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    configure_logging("deliver")
    if args.list_parked or args.requeue is not None:
        try:
            path = args.outbox or _settings(args).outbox_path
        except (ConfigError, ValueError) as error:
            print(f"deliver: {error}")
            return 2
        return _maintain(Outbox(path), args)
    try:
        client, settings = _connection(args)
    except (ConfigError, ValueError) as error:
        print(f"deliver: {error}")
        return 2
    outbox = Outbox(args.outbox or settings.outbox_path)
    try:
        outbox.claim_delivery("genetec-bridge deliver")
    except DeliveryClaimed as claimed:
        outbox.close()
        print(
            f"deliver: {claimed}: nothing sent; stop it first (--list-parked and --requeue-parked work"
            " while it runs)"
        )
        return CLAIMED
    except OSError as error:
        outbox.close()
        print(f"deliver: cannot claim the outbox ({error}): nothing sent")
        return CLAIMED
    service = DeliveryService(
        client,
        outbox,
        max_events_per_minute_per_camera=args.max_per_minute or settings.max_events_per_minute_per_camera,
        retry_initial_s=args.retry_initial or settings.retry_initial_s,
        retry_max_s=args.retry_max or settings.retry_max_s,
        keep_delivered_h=settings.keep_delivered_h,
        keep_rejected_h=settings.keep_rejected_h,
    )

    async def deliver() -> None:
        async with client:
            await service.run(until_empty=args.until_empty)

    try:
        asyncio.run(deliver())
    except KeyboardInterrupt:
        pass
    finally:
        print(service.status().model_dump_json())
        outbox.close()
    return 0


def _maintain(outbox: Outbox, args: argparse.Namespace) -> int:
    try:
        if args.requeue is not None:
            print(f"requeued {outbox.requeue_rejected(args.requeue or None)} parked events")
        if args.list_parked:
            parked = outbox.parked(limit=1_000_000)
            for event in parked:
                moment = datetime.fromtimestamp(event.parked_at, UTC).isoformat(timespec="seconds")
                print(f"{event.event_id}\t{event.camera_id}\t{moment}\t{event.reason}")
            print(f"{len(parked)} parked events")
    finally:
        outbox.close()
    return 0


def _settings(args: argparse.Namespace) -> DeliveryConfig:
    if args.config is None:
        raise ValueError("give --config FILE or --outbox FILE")
    return load_site_config(args.config).delivery


def _connection(args: argparse.Namespace) -> tuple[WebSdkClient, DeliveryConfig]:
    if args.config is not None:
        site = load_site_config(args.config)
        return WebSdkClient.from_config(site.genetec), site.delivery
    password = os.environ.get(PASSWORD_ENV)
    if not (args.url and args.username and password and args.outbox):
        raise ValueError(f"give --config FILE, or --url, --username, --outbox and ${PASSWORD_ENV}")
    return WebSdkClient(args.url, args.username, password, args.application_id), DeliveryConfig(
        outbox_path=args.outbox
    )
