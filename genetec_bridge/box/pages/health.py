"""The health page: each camera's analysis (the badge of genetec_bridge.box.camera_health, analysed
frames per second, age of the last result), the daemon and its inference tier, the Security Center
link, parked events, store problems and event-loop stalls, with the problems /status names.

Everything comes from the bridge's last status snapshot (`RunningBridge.snapshot`, constant time):
a person watching this page, or the cameras page's badges refreshing from `/api/health` every few
seconds, costs the bridge nothing more than the snapshot it gathers anyway.

Integrators get "Send a test event": one custom event on a chosen camera through the bridge's outbox
and delivery (genetec_bridge.delivery.test_event), audited as `delivery.test_event`; the page then
polls `/api/test-event/{id}` and shows what became of it (delivered, refused with Security Center's
answer, parked, or still waiting), in the reader's language.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.camera_health import Badge, badge_text, camera_badge
from genetec_bridge.box.camera_names import CameraName, camera_name
from genetec_bridge.box.context import CONTEXT, BoxContext
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.pages.cameras import RATE_WINDOW, analysed_fps
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.delivery.test_event import TEST_EVENT_NAME, TestOutcome
from genetec_bridge.health.readiness import problems
from genetec_bridge.health.status import BridgeStatus, CameraStatus


@dataclass(frozen=True, slots=True)
class CameraHealth:
    camera_id: str
    name: CameraName
    fps: float
    badge: Badge
    status: CameraStatus | None


def camera_health(
    context: BoxContext, status: BridgeStatus, now: float, names: dict[str, CameraName]
) -> list[CameraHealth]:
    """The running configuration's cameras, in its order, each with its badge."""
    age = status.age_s(now)
    by_id = {camera.camera_id: camera for camera in status.cameras}
    return [
        CameraHealth(
            camera.id,
            names.get(camera.id) or camera_name(camera.id, None, camera.name),
            camera.fps,
            camera_badge(status, camera.id, camera.fps, age),
            by_id.get(camera.id),
        )
        for camera in context.bridge.site.cameras
    ]


def _result_age_text(t: Callable[..., str], camera: CameraStatus | None) -> str | None:
    if camera is None or camera.last_result_age_s is None:
        return None
    return t("health.seconds_ago", seconds=f"{camera.last_result_age_s:.1f}")


@requires(Role.VIEWER)
async def health_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    status = context.bridge.snapshot()
    now = time.time()
    names = await context.camera_names.names(context.bridge.site)
    cameras = camera_health(context, status, now, names)
    fps = {c.camera_id: analysed_fps(context.bridge.history(c.camera_id, RATE_WINDOW)) for c in cameras}
    return render(
        request,
        "health.html",
        health=status,
        cameras=cameras,
        analysed=fps,
        problems=problems(status) if status.taken_at is not None else [],
        snapshot_age=status.age_s(now),
        now=now,
        names=names,
        badge_text=badge_text,
        test_event_name=TEST_EVENT_NAME,
    )


@requires(Role.VIEWER)
async def health_api(request: web.Request) -> web.Response:
    """What the pages' badges refresh from: per camera its badge (in the reader's language) and last
    result age, and the problems /status names."""
    context = request.app[CONTEXT]
    status = context.bridge.snapshot()
    now = time.time()
    t = translator(language(request))
    cameras = {
        c.camera_id: {
            "tone": c.badge.tone,
            "text": badge_text(t, c.badge),
            "detail": c.badge.detail,
            "last_result": _result_age_text(t, c.status),
            "frames": t("cameras.frames_analysed", count=c.status.frames_analysed if c.status else 0),
        }
        for c in camera_health(context, status, now, {})
    }
    age = status.age_s(now)
    return web.json_response(
        {
            "age_text": t("health.snapshot_age", seconds=f"{age:.0f}") if age is not None else None,
            "problems": problems(status) if status.taken_at is not None else [],
            "cameras": cameras,
        }
    )


def _outcome_json(t: Callable[..., str], outcome: TestOutcome) -> dict[str, object]:
    return {
        "event_id": outcome.event_id,
        "outcome": outcome.outcome,
        "answer": outcome.answer,
        "final": outcome.final,
        "text": t(f"health.test_event_{outcome.outcome}", event=outcome.event_id, answer=outcome.answer),
    }


@requires(Role.INTEGRATOR)
async def send_test_event(request: web.Request) -> web.Response:
    """JSON {camera: GUID of a camera of the running configuration}: one test event queued on it."""
    context = request.app[CONTEXT]
    t = translator(language(request))
    try:
        camera_id = str((await request.json())["camera"]).lower()
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "expected JSON {camera: a camera GUID}"}, status=400)
    if camera_id not in {camera.id for camera in context.bridge.site.cameras}:
        return web.json_response({"error": f"camera: {camera_id} is not analysed by this bridge"}, status=400)
    user = request[SESSION_KEY].user
    event_id = await context.bridge.test_events.send(camera_id, user)
    await context.work.run(
        user, context.audit.append, user, "delivery.test_event", camera_id, {"event_id": event_id}
    )
    return web.json_response(_outcome_json(t, TestOutcome(event_id, "pending", None)))


@requires(Role.INTEGRATOR)
async def test_event_outcome(request: web.Request) -> web.Response:
    t = translator(language(request))
    outcome = await request.app[CONTEXT].bridge.test_events.outcome(request.match_info["event"])
    if outcome is None:
        return web.json_response({"error": "no such test event in the outbox"}, status=404)
    return web.json_response(_outcome_json(t, outcome))


def register(app: web.Application) -> None:
    app.router.add_get("/health", health_page)
    app.router.add_get("/api/health", health_api)
    app.router.add_post("/api/test-event", send_test_event)
    app.router.add_get("/api/test-event/{event}", test_event_outcome)
