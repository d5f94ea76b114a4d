"""Trying a draft before saving it: the live view (the newest analysed frame: its picture and its
tracks together, zones occupied, what each skill of the draft would raise by then, each firing track's
box in that frame) and the replay of the tracks the bridge kept (up to the last hour, since the
camera's live view or replay was opened: genetec_bridge.link.track_history). Both run the draft over
those tracks in a skill engine of their own: nothing reaches Security Center. The live view's picture
is the analysed frame's own (privacy masks blanked, as the daemon saw it), sent as JPEG in the same
answer as its boxes, so that a box never floats over another moment's picture. Their times are on the
site's clock, ISO 8601 with the offset (box/site_time.py)."""

import base64
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
from aiohttp import web

from analytics.config.loader import ConfigError
from analytics.draft_run import draft_events
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks
from analytics.geometry.plane import anchor_point, point_in_polygon
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.config_french import problem_rows
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import language
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.box.site_time import site_iso
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.link.analysed_pictures import AnalysedPicture

# The live view runs the draft over the last minutes, enough for the usual dwell thresholds, and
# shows as firing "now" what it raised in the last few seconds.
LIVE_WINDOW = timedelta(minutes=10)
FIRING_NOW = timedelta(seconds=10)


def _event(event: AnalyticsEvent, zone: ZoneInfo) -> dict[str, Any]:
    position = event.evidence.positions[-1] if event.evidence.positions else None
    return {
        "at": site_iso(event.timestamp, zone) if event.timestamp else None,
        "kind": event.kind,
        "phase": event.phase,
        "skill": event.skill,
        "place": event.zone or event.line,
        "class": event.class_name,
        "track_id": event.track_id,
        "position": position,
    }


async def _draft(request: web.Request) -> tuple[str, SiteConfig] | web.Response:
    context = request.app[CONTEXT]
    camera_id = request.match_info["camera"]
    try:
        body = await request.json()
        camera, schedules = body["camera"], body.get("schedules", {})
        site = await context.work.run(
            request[SESSION_KEY].user, context.site_file.check_draft, camera_id, camera, schedules
        )
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "expected JSON {camera: {...}, schedules: {...}}"}, status=400)
    except ConfigError as error:
        problems = problem_rows(error.problems, language(request))
        return web.json_response({"error": "invalid", "problems": problems}, status=422)
    return camera_id, site


@requires(Role.VIEWER)
async def replay(request: web.Request) -> web.Response:
    draft = await _draft(request)
    if isinstance(draft, web.Response):
        return draft
    camera_id, site = draft
    frames = request.app[CONTEXT].bridge.history(camera_id)
    zone = request.app[CONTEXT].zone
    events = await request.app[CONTEXT].work.run(
        request[SESSION_KEY].user, draft_events, site.camera(camera_id), site.schedules, frames
    )
    return web.json_response(
        {
            "frames": len(frames),
            "from": site_iso(frames[0].timestamp, zone) if frames and frames[0].timestamp else None,
            "to": site_iso(frames[-1].timestamp, zone) if frames and frames[-1].timestamp else None,
            "events": [_event(e, zone) for e in events],
        }
    )


@requires(Role.VIEWER)
async def live(request: web.Request) -> web.Response:
    draft = await _draft(request)
    if isinstance(draft, web.Response):
        return draft
    camera_id, site = draft
    camera = site.camera(camera_id)
    bridge = request.app[CONTEXT].bridge
    picture = bridge.analysed_picture(camera_id)
    frames = bridge.history(camera_id, LIVE_WINDOW)
    shown = _up_to(frames, picture) if picture is not None else None
    if picture is None or shown is None:
        # Boxes without their own picture would float over another moment's: none until it comes.
        return web.json_response({"at": None, "picture": None, "objects": [], "zones": {}, "firing": []})
    user = request[SESSION_KEY].user
    events = await request.app[CONTEXT].work.run(user, draft_events, camera, site.schedules, shown)
    jpeg = await request.app[CONTEXT].work.run(user, _jpeg, picture.image)
    newest = shown[-1]
    zone = request.app[CONTEXT].zone
    assert newest.timestamp is not None
    boxes = {o.track_id: o.box for o in newest.objects}
    anchors = [anchor_point(o.box) for o in newest.objects]
    return web.json_response(
        {
            "at": site_iso(newest.timestamp, zone, "milliseconds"),
            "frame": newest.frame,
            "picture": "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii"),
            "objects": [
                {"track_id": o.track_id, "class": o.class_name, "box": o.box} for o in newest.objects
            ],
            "zones": {
                zone.name: sum(point_in_polygon(a, zone.polygon) for a in anchors) for zone in camera.zones
            },
            "firing": [
                _event(e, zone) | {"box": boxes.get(e.track_id)}
                for e in events
                if e.timestamp and e.timestamp >= newest.timestamp - FIRING_NOW
            ],
        }
    )


def _up_to(frames: Sequence[FrameTracks], picture: AnalysedPicture) -> Sequence[FrameTracks] | None:
    """The frames up to the pictured one, which ends them; None when it is no longer held."""
    for index in range(len(frames) - 1, -1, -1):
        frame = frames[index]
        if frame.frame == picture.frame and frame.timestamp == picture.captured_at:
            return frames[: index + 1]
        if frame.timestamp is not None and frame.timestamp < picture.captured_at:
            return None
    return None


def _jpeg(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise ValueError("the analysed frame could not be encoded")
    return encoded.tobytes()


def register(app: web.Application) -> None:
    app.router.add_post("/api/cameras/{camera}/replay", replay)
    app.router.add_post("/api/cameras/{camera}/live", live)
