"""Saved versions of the site file: the list (everyone), each version's diff and rollback
(integrators only: a diff shows the whole file, its secrets redacted, but still every address)."""

from aiohttp import web

from analytics.config.loader import ConfigError
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires


def _number(request: web.Request) -> int:
    try:
        return int(request.match_info["number"])
    except ValueError:
        raise web.HTTPNotFound() from None


@requires(Role.VIEWER)
async def versions_page(request: web.Request) -> web.Response:
    versions = request.app[CONTEXT].site_file.versions.versions()
    return render(
        request,
        "versions.html",
        versions=list(reversed(versions)),
        notice=request.query.get("done"),
        can_see_diff=request[SESSION_KEY].role.allows(Role.INTEGRATOR),
    )


@requires(Role.INTEGRATOR)
async def version_page(request: web.Request) -> web.Response:
    store = request.app[CONTEXT].site_file.versions
    number = _number(request)
    version = next((v for v in store.versions() if v.number == number), None)
    if version is None:
        raise web.HTTPNotFound(text=f"no version {number}")
    return render(request, "version.html", version=version, diff=store.diff(number))


@requires(Role.INTEGRATOR)
async def rollback(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    number = _number(request)
    try:
        user = request[SESSION_KEY].user
        version = await context.work.run(user, context.site_file.rollback, user, number)
    except KeyError:
        raise web.HTTPNotFound(text=f"no version {number}") from None
    except ConfigError as error:
        return web.Response(status=422, text=str(error))
    raise web.HTTPSeeOther(f"/versions?done={version.number}")


def register(app: web.Application) -> None:
    app.router.add_get("/versions", versions_page)
    app.router.add_get("/versions/{number}", version_page)
    app.router.add_post("/versions/{number}/rollback", rollback)
