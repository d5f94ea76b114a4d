"""The camera editor: its page, the camera's fresh snapshot, and the save and apply API.

The page gets the camera as it is in the file (only the keys written there) with its etag; a save
sends the whole camera and the schedules back with that etag. Problems come back as the config
loader reports them (`cameras[0].zones[2].polygon`), for the editor to show next to the fields.

What you see is what runs: the editor's Apply sends the etag of the camera it shows, and is refused
(409) when the saved file holds another version of it (an unsaved page, or another tab's save).
A refused save gets the saved version and what differs (`compare`), for the editor's conflict view.
The page reads the session's current CSRF token again (`/api/session`) after its user logged in anew.

Copy to other cameras: the editor asks for a preview of the chosen zones, lines, skills or whole
camera on the chosen targets (`/copy/preview`: per target what changes, what is renamed or replaced,
which skills go through the target's trust gate), then sends the copy with the etags the preview gave
and the etag of the camera it shows (`/copy`): written as one version, or refused (409) when any of
them changed since.
"""

import asyncio
import logging
import zoneinfo
from typing import Any

from aiohttp import web

from analytics.config.loader import ConfigError, Problem
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.camera_groups import CameraGroup, grouped
from genetec_bridge.box.camera_names import CameraName
from genetec_bridge.box.config_french import problem_rows
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.copying import CopyChoice
from genetec_bridge.box.i18n import catalogue, language
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.box.site_file import CameraDraft, CopyPreview, EditConflict
from genetec_bridge.box.skill_forms import skill_forms
from genetec_bridge.box.snapshot import SnapshotError, snapshot_jpeg
from genetec_bridge.config.changes import restart_needed
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.websdk.errors import WebSdkError

log = logging.getLogger(__name__)

TIMEZONES = sorted(zoneinfo.available_timezones())
ALARM_LIST_TIMEOUT_S = 10.0
# A Media Gateway that does not answer: the page is told after this, while the capture's own
# timeouts end the thread (which keeps its place in the box's limits until then).
SNAPSHOT_TIMEOUT_S = 15.0


def _problems(request: web.Request, problems: list[Problem]) -> list[dict[str, Any]]:
    return problem_rows(problems, language(request))


def _camera_or_404(request: web.Request) -> tuple[str, Any]:
    camera_id = request.match_info["camera"]
    try:
        return camera_id, request.app[CONTEXT].site_file.draft(camera_id)
    except KeyError:
        raise web.HTTPNotFound(text=f"camera {camera_id} is not in the site file") from None


async def _alarms(request: web.Request) -> list[dict[str, str]]:
    try:
        alarms = await asyncio.wait_for(request.app[CONTEXT].websdk.list_alarms(), ALARM_LIST_TIMEOUT_S)
    except (WebSdkError, TimeoutError) as error:
        log.warning("alarm list unavailable: %s", error)
        return []
    return [{"guid": alarm.guid, "name": alarm.name} for alarm in alarms]


async def _saved_or_running_site(request: web.Request) -> SiteConfig:
    """The saved file's configuration; the running one while the file does not load."""
    context = request.app[CONTEXT]
    try:
        return await context.work.run(request[SESSION_KEY].user, context.site_file.site)
    except ConfigError:
        return context.bridge.site


async def _camera_choices(
    request: web.Request, site: SiteConfig
) -> list[CameraGroup[tuple[str, CameraName]]]:
    """The file's cameras under their groups, by one name (the selector to open another camera)."""
    names = await request.app[CONTEXT].camera_names.names(site)
    groups = {camera.id: camera.group for camera in site.cameras}
    return grouped(
        [(camera.id, names[camera.id]) for camera in site.cameras],
        lambda choice: groups[choice[0]],
        lambda choice: choice[1].name,
    )


@requires(Role.VIEWER)
async def editor_page(request: web.Request) -> web.Response:
    camera_id, draft = _camera_or_404(request)
    session = request[SESSION_KEY]
    context = request.app[CONTEXT]
    in_file = await context.work.run(session.user, context.site_file.cameras)
    names = await context.camera_names.names(context.bridge.site)
    choices = await _camera_choices(request, await _saved_or_running_site(request))
    data = {
        "camera_id": camera_id,
        "camera": draft.camera,
        "schedules": draft.schedules,
        "etag": draft.etag,
        "forms": skill_forms(language(request)),
        "alarms": await _alarms(request),
        # The other cameras a copy can go to, by the name shown everywhere in the box.
        "cameras": [
            {"id": other, "name": str(names[other]) if other in names else name}
            for other, name in in_file.items()
            if other != draft.camera.get("id")
        ],
        "can_edit": session.role.allows(Role.INTEGRATOR),
        "user": session.user,
        # The site's clock, on which the page shows the live view's and the replay's times.
        "timezone": context.zone.key,
        "messages": {
            key: text
            for prefix in ("editor.", "field.", "label.")
            for key, text in catalogue(language(request), prefix).items()
        },
    }
    return render(
        request,
        "editor.html",
        camera_id=camera_id,
        camera=draft.camera,
        data=data,
        timezones=TIMEZONES,
        choices=choices,
    )


@requires(Role.VIEWER)
async def open_camera(request: web.Request) -> web.StreamResponse:
    """The editor's camera selector (a plain form: it works without the script)."""
    camera_id = request.query.get("camera", "")
    if not camera_id.replace("-", "").isalnum():
        raise web.HTTPBadRequest(text="camera: expected a camera GUID")
    raise web.HTTPSeeOther(f"/cameras/{camera_id}")


@requires(Role.VIEWER)
async def snapshot(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    camera_id = request.match_info["camera"]
    user = request[SESSION_KEY].user
    site = await _saved_or_running_site(request)
    try:
        camera = site.camera(camera_id)
    except KeyError:
        raise web.HTTPNotFound(text=f"camera {camera_id} is not configured") from None
    try:
        jpeg = await context.work.within(SNAPSHOT_TIMEOUT_S, user, snapshot_jpeg, site, camera)
    except SnapshotError as error:
        return web.json_response({"error": str(error)}, status=503)
    except TimeoutError:
        message = (
            f"no frame from camera {camera_id} within {SNAPSHOT_TIMEOUT_S:.0f} s through the Media Gateway"
        )
        return web.json_response({"error": message}, status=504)
    return web.Response(body=jpeg, content_type="image/jpeg", headers={"Cache-Control": "no-store"})


@requires(Role.VIEWER)
async def camera_draft(request: web.Request) -> web.Response:
    _, draft = _camera_or_404(request)
    return web.json_response({"camera": draft.camera, "schedules": draft.schedules, "etag": draft.etag})


@requires(Role.INTEGRATOR)
async def save_camera(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    camera_id = request.match_info["camera"]
    try:
        body = await request.json()
        camera, schedules, etag = body["camera"], body.get("schedules", {}), body["etag"]
        if not isinstance(camera, dict) or not isinstance(schedules, dict) or not isinstance(etag, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return web.json_response(
            {"error": "expected JSON {camera: {...}, schedules: {...}, etag: '...'}"}, status=400
        )
    try:
        user = request[SESSION_KEY].user
        version, summary = await context.work.run(
            user, context.site_file.save_camera, user, camera_id, camera, schedules, etag
        )
    except KeyError:
        return web.json_response({"error": f"camera {camera_id} is not in the site file"}, status=404)
    except EditConflict as conflict:
        saved, differences = await context.work.run(
            request[SESSION_KEY].user, context.site_file.compare, camera_id, camera, schedules
        )
        return web.json_response(
            {"error": "conflict", "message": str(conflict), **_theirs(saved, differences)}, status=409
        )
    except ConfigError as error:
        return web.json_response(
            {"error": "invalid", "problems": _problems(request, error.problems)}, status=422
        )
    draft = context.site_file.draft(camera_id)
    return web.json_response({"version": version.number, "etag": draft.etag, "changes": summary})


def _theirs(saved: CameraDraft, differences: list[str]) -> dict[str, Any]:
    return {
        "theirs": {"camera": saved.camera, "schedules": saved.schedules, "etag": saved.etag},
        "differences": differences,
    }


@requires(Role.INTEGRATOR)
async def compare(request: web.Request) -> web.Response:
    """The saved camera beside the editor's version: what the conflict view shows."""
    context = request.app[CONTEXT]
    camera_id = request.match_info["camera"]
    try:
        body = await request.json()
        camera, schedules = body["camera"], body.get("schedules", {})
        if not isinstance(camera, dict) or not isinstance(schedules, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "expected JSON {camera: {...}, schedules: {...}}"}, status=400)
    try:
        saved, differences = await context.work.run(
            request[SESSION_KEY].user, context.site_file.compare, camera_id, camera, schedules
        )
    except KeyError:
        return web.json_response({"error": f"camera {camera_id} is not in the site file"}, status=404)
    return web.json_response(_theirs(saved, differences))


@requires(Role.VIEWER)
async def current_session(request: web.Request) -> web.Response:
    session = request[SESSION_KEY]
    return web.json_response({"user": session.user, "role": session.role.value, "csrf": session.csrf})


async def _shown(request: web.Request) -> tuple[str, str] | None:
    """The camera and etag the editor shows, when it says (an API client without a body applies the file)."""
    if not request.can_read_body:
        return None
    try:
        body = await request.json()
        camera_id, etag = body["camera"], body["etag"]
    except (ValueError, KeyError, TypeError):
        raise web.HTTPBadRequest(text="expected JSON {camera: 'GUID', etag: '...'} or no body") from None
    if not isinstance(camera_id, str) or not isinstance(etag, str):
        raise web.HTTPBadRequest(text="camera and etag are strings")
    return camera_id, etag


@requires(Role.INTEGRATOR)
async def apply(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    shown = await _shown(request)
    try:
        site = await context.work.run(request[SESSION_KEY].user, context.site_file.site)
    except ConfigError as error:
        return web.json_response(
            {"error": "invalid", "problems": _problems(request, error.problems)}, status=422
        )
    if shown is not None:
        # Checked after the read: a save landing in between changes the etag and refuses the apply.
        camera_id, etag = shown
        try:
            saved = await context.work.run(request[SESSION_KEY].user, context.site_file.draft, camera_id)
        except KeyError:
            return web.json_response({"error": f"camera {camera_id} is not in the site file"}, status=404)
        if saved.etag != etag:
            return web.json_response(
                {"error": "not_shown", "message": "the saved file holds another version of this camera"},
                status=409,
            )
    changed, restart = await run_site(request, site)
    return web.json_response({"changed": changed, "restart_needed": restart})


async def run_site(request: web.Request, site: SiteConfig) -> tuple[list[str], list[str]]:
    """Apply `site` to the running bridge, audited: the cameras changed, the sections needing a restart."""
    context = request.app[CONTEXT]
    restart = restart_needed(context.bridge.site, site)
    changed = await context.bridge.apply(site)
    context.audit.append(
        request[SESSION_KEY].user, "config.apply", "site", {"cameras": changed, "restart_needed": restart}
    )
    return changed, restart


def _copy_choice(body: Any) -> CopyChoice:
    try:
        chosen = body["copy"]
        names = {table: tuple(chosen.get(table, [])) for table in ("zones", "lines", "skills")}
        whole, on_clash = chosen.get("whole_camera", False), chosen.get("on_clash", "suffix")
        valid = all(isinstance(n, str) for table in names.values() for n in table) and isinstance(whole, bool)
        if not valid or on_clash not in ("suffix", "replace"):
            raise TypeError
    except (KeyError, TypeError, AttributeError):
        raise web.HTTPBadRequest(
            text="expected copy: {zones: [...], lines: [...], skills: [...], whole_camera: bool,"
            " on_clash: 'suffix'|'replace'}"
        ) from None
    return CopyChoice(**names, whole_camera=whole, on_clash=on_clash)


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected a JSON body") from None


def _preview(preview: CopyPreview) -> dict[str, Any]:
    plan = preview.plan
    return {
        "camera": preview.camera_id,
        "name": preview.name,
        "etag": preview.etag,
        "changes": preview.changes,
        "renamed": plan.renamed,
        "replaced": plan.replaced,
        "shadow": plan.shadow,
    }


@requires(Role.INTEGRATOR)
async def copy_preview(request: web.Request) -> web.Response:
    """What copying to the chosen cameras would write: nothing is written."""
    context = request.app[CONTEXT]
    body = await _json_body(request)
    choice, targets = _copy_choice(body), body.get("targets")
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise web.HTTPBadRequest(text="targets: a list of camera ids")
    try:
        previews, problems = await context.work.run(
            request[SESSION_KEY].user,
            context.site_file.preview_copy,
            request.match_info["camera"],
            choice,
            targets,
        )
    except KeyError as missing:
        return web.json_response({"error": str(missing.args[0])}, status=404)
    except ConfigError as error:
        return web.json_response(
            {"error": "invalid", "problems": _problems(request, error.problems)}, status=422
        )
    return web.json_response(
        {"targets": [_preview(p) for p in previews], "problems": _problems(request, problems)}
    )


@requires(Role.INTEGRATOR)
async def copy_cameras(request: web.Request) -> web.Response:
    """The copy the preview showed, written as one version (unapplied, like a save)."""
    context = request.app[CONTEXT]
    body = await _json_body(request)
    choice, targets, etag = _copy_choice(body), body.get("targets"), body.get("etag")
    valid = isinstance(targets, dict) and all(isinstance(v, str) for v in targets.values())
    if not valid or not isinstance(etag, str):
        raise web.HTTPBadRequest(text="targets: {camera id: etag of the preview}; etag: the source's")
    user = request[SESSION_KEY].user
    try:
        version, summary = await context.work.run(
            user, context.site_file.copy_cameras, user, request.match_info["camera"], etag, choice, targets
        )
    except KeyError as missing:
        return web.json_response({"error": str(missing.args[0])}, status=404)
    except EditConflict as conflict:
        return web.json_response({"error": "conflict", "message": str(conflict)}, status=409)
    except ConfigError as error:
        return web.json_response(
            {"error": "invalid", "problems": _problems(request, error.problems)}, status=422
        )
    return web.json_response({"version": version.number, "changes": summary})


def register(app: web.Application) -> None:
    app.router.add_get("/open-camera", open_camera)
    app.router.add_get("/cameras/{camera}", editor_page)
    app.router.add_get("/cameras/{camera}/snapshot.jpg", snapshot)
    app.router.add_get("/api/cameras/{camera}", camera_draft)
    app.router.add_post("/api/cameras/{camera}", save_camera)
    app.router.add_post("/api/cameras/{camera}/compare", compare)
    app.router.add_post("/api/cameras/{camera}/copy/preview", copy_preview)
    app.router.add_post("/api/cameras/{camera}/copy", copy_cameras)
    app.router.add_get("/api/session", current_session)
    app.router.add_post("/api/apply", apply)
