"""The cameras page: Security Center's cameras (name, online state through the Web SDK) beside what
the bridge does with each (its analysis badge, frames analysed, skills running). The badge is green
only while results arrive (genetec_bridge.box.camera_health) and refreshes itself from /api/health.

The cameras are listed under their site file's group (genetec_bridge.box.camera_groups); a search box
filters them in the page, without a request, by Security Center's name, the site file's alias, the
group, a skill's name or its kind: each row carries what it is found by."""

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from analytics.config.loader import ConfigError
from analytics.frame_tracks import FrameTracks
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.camera_groups import grouped
from genetec_bridge.box.camera_health import Badge, badge_text, camera_badge
from genetec_bridge.box.camera_names import camera_name
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.error_pages import problem_lines
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.page_error import PageError
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.box.site_file import SiteFile
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.redaction import redact_credentials
from genetec_bridge.websdk.client import CameraInfo
from genetec_bridge.websdk.errors import WebSdkError

log = logging.getLogger(__name__)

WEBSDK_LIST_TIMEOUT_S = 10.0
# Analysed frames per second are measured over the last RATE_WINDOW of results.
RATE_WINDOW = timedelta(seconds=10)


@dataclass
class CameraRow:
    guid: str
    name: str
    alias: str | None = None
    online: bool | None = None
    configured: bool = False
    badge: Badge | None = None
    frames_analysed: int = 0
    fps: float | None = None
    analysed_fps: float | None = None
    skills: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    group: str | None = None

    @property
    def search_text(self) -> str:
        """What the page's search box finds the camera by, lower case."""
        words = [self.name, self.alias or "", self.group or "", *self.skills, *self.kinds]
        return " | ".join(" ".join(word.split()) for word in words if word).casefold()


async def security_center_cameras(request: web.Request) -> tuple[list[CameraInfo], str | None]:
    try:
        cameras = await asyncio.wait_for(request.app[CONTEXT].websdk.list_cameras(), WEBSDK_LIST_TIMEOUT_S)
    except (WebSdkError, TimeoutError) as error:
        return [], redact_credentials(str(error) or type(error).__name__)
    request.app[CONTEXT].camera_names.remember(cameras)
    return cameras, None


def analysed_fps(frames: Sequence[FrameTracks]) -> float | None:
    """Frames analysed per second over the newest RATE_WINDOW; None before any result."""
    if not frames or frames[-1].timestamp is None:
        return None
    since = frames[-1].timestamp - RATE_WINDOW
    recent = [f for f in frames if f.timestamp is not None and f.timestamp > since]
    return round(len(recent) / RATE_WINDOW.total_seconds(), 1)


def pending(site_file: SiteFile, running: SiteConfig) -> bool:
    """The saved file's cameras or schedules differ from those running (not applied yet)."""
    try:
        saved = site_file.site()
    except ConfigError:  # the editor and apply report the file's problems; the list still shows
        return True
    keys = {"cameras", "schedules"}
    return saved.model_dump(include=keys) != running.model_dump(include=keys)


@requires(Role.VIEWER)
async def cameras_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    known, websdk_error = await security_center_cameras(request)
    running = context.bridge.site
    snapshot = context.bridge.snapshot()
    snapshot_age = snapshot.age_s(time.time())
    status = {camera.camera_id: camera for camera in snapshot.cameras}
    rows = {info.guid: CameraRow(info.guid, info.name, online=info.is_online) for info in known}
    for camera in running.cameras:
        row = rows.setdefault(camera.id, CameraRow(camera.id, camera.name))
        row.configured = True
        row.fps = camera.fps
        row.skills = [skill.label for skill in camera.skills]
        row.kinds = sorted({skill.kind for skill in camera.skills})
        row.group = camera.group
        named = camera_name(camera.id, row.name, camera.name)
        row.name, row.alias = named.name, named.alias
        row.analysed_fps = analysed_fps(context.bridge.history(camera.id, RATE_WINDOW))
        row.badge = camera_badge(snapshot, camera.id, camera.fps, snapshot_age)
        if camera.id in status:
            row.frames_analysed = status[camera.id].frames_analysed
    unapplied = await context.work.run(request[SESSION_KEY].user, pending, context.site_file, running)
    return render(
        request,
        "cameras.html",
        groups=grouped(rows.values(), lambda r: r.group, lambda r: r.name),
        count=len(rows),
        websdk_error=websdk_error,
        pending=unapplied,
        badge_text=badge_text,
    )


def _in_file(site_file: SiteFile, camera_id: str) -> bool:
    try:
        site_file.draft(camera_id)
    except KeyError:
        return False
    return True


@requires(Role.INTEGRATOR)
async def add_camera(request: web.Request) -> web.StreamResponse:
    """Start analysing a Security Center camera, once confirmed: it is added to the file and opened in
    the editor. A camera already analysed (a second click) is said so, with the way to its editor."""
    context = request.app[CONTEXT]
    camera_id = request.match_info["camera"]
    known, _ = await security_center_cameras(request)
    info = next((c for c in known if c.guid == camera_id.lower()), None)
    if info is None:
        raise PageError(404, "error.unknown_camera")
    editor = f"/cameras/{info.guid}"
    user = request[SESSION_KEY].user
    if await context.work.run(user, _in_file, context.site_file, info.guid):
        raise PageError(409, "cameras.already_analysed", link=(editor, "cameras.open"), camera=info.name)
    if (await request.post()).get("confirmed") != "yes":
        t = translator(language(request))
        return render(
            request,
            "confirm.html",
            title=t("cameras.add_title", camera=info.name),
            explained=t("cameras.add_explained"),
            action=request.path,
            confirm_label=t("cameras.add"),
            cancel="/cameras",
        )
    try:
        await context.work.run(user, context.site_file.add_camera, user, info.guid, info.name)
    except ConfigError as error:
        raise PageError(422, "error.invalid_file", details=problem_lines(error, language(request))) from None
    raise web.HTTPSeeOther(editor)


def register(app: web.Application) -> None:
    app.router.add_get("/cameras", cameras_page)
    app.router.add_post("/cameras/{camera}/add", add_camera)
