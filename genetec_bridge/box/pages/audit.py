"""The audit trail, newest first, a page at a time, with the result of its chain check.

The trail grows all year: a page reads only the end of the log (`AuditTrail.newest`), and that read and
the chain check run in the page's own worker thread, never on the event loop that delivers alerts.
"""

from aiohttp import web

from genetec_bridge.audit.trail import AuditEntry, AuditTrail
from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import requires
from genetec_bridge.workers import WorkerPool

SHOWN = 200
# One thread: a second reader would only compete for the same disk, and people wait in turn.
READER: web.AppKey[WorkerPool] = web.AppKey("audit_reader", WorkerPool)


@requires(Role.VIEWER)
async def audit_page(request: web.Request) -> web.Response:
    trail = request.app[CONTEXT].audit
    try:
        page = max(0, int(request.query.get("page", "0")))
    except ValueError:
        raise web.HTTPBadRequest(text="page: a whole number is expected") from None
    entries, problems = await request.app[READER].run(_read, trail, page)
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
    app[READER] = WorkerPool("box-audit", 1)

    async def close_reader(app: web.Application) -> None:
        app[READER].close()

    app.on_cleanup.append(close_reader)
    app.router.add_get("/audit", audit_page)
