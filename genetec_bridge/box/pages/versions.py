"""Saved versions of the site file: the list (everyone), each version's diff and rollback
(integrators only: a diff shows the whole file, its secrets redacted, but still every address).

A rollback asks first (what it does, and that nothing runs until applied); afterwards, and whenever
the saved file differs from the running analysis, the list says so with an Apply button."""

from urllib.parse import urlencode

from aiohttp import web

from analytics.config.loader import ConfigError
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.error_pages import problem_lines
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.page_error import PageError
from genetec_bridge.box.pages.cameras import pending
from genetec_bridge.box.pages.editor import run_site
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires


def _number(request: web.Request) -> int:
    try:
        return int(request.match_info["number"])
    except ValueError:
        raise web.HTTPNotFound() from None


@requires(Role.VIEWER)
async def versions_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    session = request[SESSION_KEY]
    versions = context.site_file.versions.versions()
    is_integrator = session.role.allows(Role.INTEGRATOR)
    return render(
        request,
        "versions.html",
        versions=list(reversed(versions)),
        notice=request.query.get("done"),
        applied=request.query.get("applied"),
        restart=request.query.get("restart"),
        pending=await context.work.run(session.user, pending, context.site_file, context.bridge.site),
        can_apply=is_integrator,
        can_see_diff=is_integrator,
    )


@requires(Role.INTEGRATOR)
async def version_page(request: web.Request) -> web.Response:
    store = request.app[CONTEXT].site_file.versions
    number = _number(request)
    version = next((v for v in store.versions() if v.number == number), None)
    if version is None:
        raise PageError(404, "error.no_version", link=("/versions", "versions.title"), n=number)
    return render(request, "version.html", version=version, diff=store.diff(number))


@requires(Role.INTEGRATOR)
async def rollback(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    number = _number(request)
    if (await request.post()).get("confirmed") != "yes":
        t = translator(language(request))
        return render(
            request,
            "confirm.html",
            title=t("versions.rollback_title", n=number),
            explained=t("versions.rollback_explained", n=number),
            action=request.path,
            confirm_label=t("versions.rollback"),
            cancel=f"/versions/{number}",
        )
    try:
        user = request[SESSION_KEY].user
        version = await context.work.run(user, context.site_file.rollback, user, number)
    except KeyError:
        raise PageError(404, "error.no_version", link=("/versions", "versions.title"), n=number) from None
    except ConfigError as error:
        raise PageError(422, "error.invalid_file", details=problem_lines(error, language(request))) from None
    raise web.HTTPSeeOther(f"/versions?done={version.number}")


@requires(Role.INTEGRATOR)
async def apply(request: web.Request) -> web.StreamResponse:
    """The saved file to the running analysis, from the versions page (after a rollback)."""
    context = request.app[CONTEXT]
    try:
        site = await context.work.run(request[SESSION_KEY].user, context.site_file.site)
    except ConfigError as error:
        raise PageError(422, "error.invalid_file", details=problem_lines(error, language(request))) from None
    changed, restart = await run_site(request, site)
    raise web.HTTPSeeOther(f"/versions?{urlencode({'applied': len(changed), 'restart': ', '.join(restart)})}")


def register(app: web.Application) -> None:
    app.router.add_get("/versions", versions_page)
    app.router.add_get("/versions/{number}", version_page)
    app.router.add_post("/versions/{number}/rollback", rollback)
    app.router.add_post("/versions/apply", apply)
