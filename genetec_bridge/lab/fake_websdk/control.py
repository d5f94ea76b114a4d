"""The control API under `/_fake/` (a prefix no Web SDK route uses), answered only to local clients:
what was received, failure injection, outages, stream drops, operator alarm acknowledgements."""

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import ValidationError

from genetec_bridge.lab.fake_websdk.failures import Failures
from genetec_bridge.lab.fake_websdk.routes import FAILURES, STATE, acknowledge
from genetec_bridge.websdk.errors import WebSdkFailure

LOCAL_PEERS = ("127.0.0.1", "::1")
# Set by the server: stops listening for `duration_s` seconds (connections refused), then listens again.
REFUSE: web.AppKey[Callable[[float], Awaitable[None]]] = web.AppKey("refuse")


@web.middleware
async def local_only(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if request.path.startswith("/_fake/") and request.remote not in LOCAL_PEERS:
        return web.json_response({"error": "the control API only answers local clients"}, status=403)
    return await handler(request)


async def received(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].received)


async def clear_received(request: web.Request) -> web.Response:
    request.app[STATE].received.clear()
    return web.json_response({"cleared": True})


async def get_failures(request: web.Request) -> web.Response:
    return web.json_response(request.app[FAILURES].model_dump())


async def set_failures(request: web.Request) -> web.Response:
    """JSON object of Failures fields to change; the rest stays."""
    failures = request.app[FAILURES]
    try:
        changes = await request.json()
        updated = Failures.model_validate(failures.model_dump() | changes)
    except (ValueError, TypeError, ValidationError) as error:
        return web.json_response({"error": str(error)}, status=400)
    for name in Failures.model_fields:
        setattr(failures, name, getattr(updated, name))
    return web.json_response(failures.model_dump())


async def outage(request: web.Request) -> web.Response:
    """{"mode": "503" | "refuse" | "hang", "duration_s": N}: answer 503, refuse connections, or carry
    requests out but hold every answer, for N seconds."""
    try:
        body = await request.json()
        mode, duration = str(body["mode"]), float(body["duration_s"])
    except (ValueError, KeyError, TypeError) as error:
        return web.json_response({"error": f"expected mode and duration_s: {error}"}, status=400)
    if mode == "503":
        request.app[FAILURES].outage_until = time.monotonic() + duration
    elif mode == "hang":
        request.app[FAILURES].hang_until = time.monotonic() + duration
    elif mode == "refuse":
        await request.app[REFUSE](duration)
    else:
        return web.json_response({"error": "mode must be '503', 'refuse' or 'hang'"}, status=400)
    return web.json_response({"mode": mode, "duration_s": duration})


async def drop_streams(request: web.Request) -> web.Response:
    """Cut every event stream and forget subscriptions, as when a session expires."""
    request.app[STATE].drop_all_sessions()
    return web.json_response({"dropped": True})


async def state(request: web.Request) -> web.Response:
    fake = request.app[STATE]
    return web.json_response(
        {
            "custom_events": list(fake.custom_events.values()),
            "alarm_instances": [instance.row() for instance in fake.alarm_instances.values()],
            "bookmarks": fake.bookmarks,
            "sessions": {key: sorted(session.subscriptions) for key, session in fake.sessions.items()},
        }
    )


async def operator_acknowledge(request: web.Request) -> web.Response:
    """An operator acknowledging an alarm in Security Desk; optional JSON body
    {"type": "Default" | "Alternate" (or "Ack" | "Nack"), "by": "operator name"}."""
    body = await request.json() if request.can_read_body else {}
    try:
        instance = acknowledge(
            request.app[STATE],
            int(request.match_info["instance"]),
            str(body.get("type", "Ack")),
            body.get("by", "operator"),
        )
    except (WebSdkFailure, ValueError) as error:
        return web.json_response({"error": str(error)}, status=404)
    print(
        f"operator {instance.acknowledged_by} acknowledged alarm instance {instance.instance_id}"
        f" ({'Alternate' if instance.ack_type == 'Nack' else 'Default'})",
        flush=True,
    )
    return web.json_response(instance.row())


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_fake/received", received)
    app.router.add_delete("/_fake/received", clear_received)
    app.router.add_get("/_fake/failures", get_failures)
    app.router.add_post("/_fake/failures", set_failures)
    app.router.add_post("/_fake/outage", outage)
    app.router.add_post("/_fake/streams/drop", drop_streams)
    app.router.add_get("/_fake/state", state)
    app.router.add_post("/_fake/alarms/{instance}/acknowledge", operator_acknowledge)
