"""The audit trail, newest first, with the result of its chain check."""

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import requires

SHOWN = 200


@requires(Role.VIEWER)
async def audit_page(request: web.Request) -> web.Response:
    trail = request.app[CONTEXT].audit
    entries = list(reversed(trail.entries()))[:SHOWN]
    return render(request, "audit.html", entries=entries, problems=trail.verify())


def register(app: web.Application) -> None:
    app.router.add_get("/audit", audit_page)
