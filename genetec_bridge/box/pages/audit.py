"""The audit trail, newest first, a page at a time, with the result of its chain check.

The trail grows all year: a page reads only the end of the log (`AuditTrail.newest`), and that read and
the chain check run in the box's own pool (box/work.py), never on the event loop that delivers alerts.
"""

from aiohttp import web

from genetec_bridge.audit.trail import AuditEntry, AuditTrail
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires

SHOWN = 200


@requires(Role.VIEWER)
async def audit_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    try:
        page = max(0, int(request.query.get("page", "0")))
    except ValueError:
        raise web.HTTPBadRequest(text="page: a whole number is expected") from None
    entries, problems = await context.work.run(request[SESSION_KEY].user, _read, context.audit, page)
    return render(
        request,
        "audit.html",
        entries=entries,
        problems=problems,
        page=page,
        older=len(entries) == SHOWN,
    )


def _read(trail: AuditTrail, page: int) -> tuple[list[AuditEntry], list[str]]:
    return trail.newest(SHOWN, skip=page * SHOWN), trail.verify()


def register(app: web.Application) -> None:
    app.router.add_get("/audit", audit_page)
