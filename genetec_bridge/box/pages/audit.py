"""The audit trail, newest first, with the result of its chain check."""

from aiohttp import web

from genetec_bridge.audit.trail import AuditEntry, AuditTrail
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires

SHOWN = 200


def _read(trail: AuditTrail) -> tuple[list[AuditEntry], list[str]]:
    return list(reversed(trail.entries()))[:SHOWN], trail.verify()


@requires(Role.VIEWER)
async def audit_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    entries, problems = await context.work.run(request[SESSION_KEY].user, _read, context.audit)
    return render(request, "audit.html", entries=entries, problems=problems)


def register(app: web.Application) -> None:
    app.router.add_get("/audit", audit_page)
