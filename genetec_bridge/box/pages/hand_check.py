"""The 15-minute hand check in the box (reviewers and integrators): a person picks a counting point, the
check starts at the next counting-interval boundary (counting/hand_check.py says why), and they tap a key
per vehicle, its category and direction, while watching the camera; keys and buttons are listed on the
page in both languages. Each tap is timed by the box's clock and refused outside the window. At the end
(the page stops it when the time is up) or when stopped earlier (marked short) the product's counts are
read from the statistics store and the check is stored there (the box's worker pool, off the loop),
audited, and shown on the traffic page and in the monthly report.

A check under way lives in the box's memory, one per account: a box restarted in its middle loses it
(the person starts again); only finished checks are stored.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.counting.hand_check import HandCheckRefused, Session, compare, window
from genetec_bridge.counting.series import DIRECTIONS, CountingPoint, counting_points
from genetec_bridge.counting.store import HandCheck, StatisticsStore

SESSIONS: web.AppKey[dict[str, Session]] = web.AppKey("hand_checks", dict)
# Keys that sit in the same place on AZERTY and QWERTY keyboards: one row per direction.
KEYS = {"A->B": "sdfgh", "B->A": "xcvbn"}


def _point(request: web.Request, chosen: str | None) -> CountingPoint:
    points = counting_points(request.app[CONTEXT].bridge.site)
    point = next((p for p in points if p.id == chosen), None)
    if point is None:
        raise web.HTTPNotFound(text=f"point: no counting point {chosen}")
    return point


def _state(session: Session, now: float) -> dict[str, Any]:
    """What the page shows of a check under way (and what its script polls)."""
    phase = "waiting" if now < session.start else "counting" if now < session.planned_end else "over"
    tally = session.tally()
    return {
        "point": session.point.id,
        "phase": phase,
        "starts_in_s": max(0, round(session.start - now)),
        "ends_in_s": max(0, round(session.planned_end - now)),
        "start": datetime.fromtimestamp(session.start, session.point.zone).isoformat(),
        "planned_end": datetime.fromtimestamp(session.planned_end, session.point.zone).isoformat(),
        "counts": {f"{c} {d}": tally[(c, d)] for c in session.point.categories for d in DIRECTIONS},
        "taps": len(session.taps),
    }


def _keys(point: CountingPoint) -> list[dict[str, str]]:
    return [
        {"key": KEYS[d][i], "category": c, "direction": d}
        for d in DIRECTIONS
        for i, c in enumerate(point.categories)
    ]


@requires(Role.REVIEWER)
async def check_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    session = request.app[SESSIONS].get(request[SESSION_KEY].user)
    site = context.bridge.site
    points = counting_points(site)
    point = (
        session.point
        if session
        else _point(request, request.query.get("point", points[0].id if points else None))
    )
    return render(
        request,
        "hand_check.html",
        point=point,
        points=points,
        keys=_keys(point),
        state=_state(session, context.clock()) if session else None,
        discarded=request.query.get("discarded") is not None,
        timezone=site.counting.timezone,
    )


@requires(Role.REVIEWER)
async def start(request: web.Request) -> web.Response:
    form = await request.post()
    chosen = form.get("point")
    point = _point(request, chosen if isinstance(chosen, str) else None)
    person = request[SESSION_KEY].user
    begins, ends = window(request.app[CONTEXT].clock(), point)
    request.app[SESSIONS][person] = Session(point, person, begins, ends)
    raise web.HTTPSeeOther("/traffic/check")


def _session(request: web.Request) -> Session:
    session = request.app[SESSIONS].get(request[SESSION_KEY].user)
    if session is None:
        raise web.HTTPConflict(text='{"error": "no hand check under way"}', content_type="application/json")
    return session


@requires(Role.REVIEWER)
async def state(request: web.Request) -> web.Response:
    return web.json_response(_state(_session(request), request.app[CONTEXT].clock()))


@requires(Role.REVIEWER)
async def tap(request: web.Request) -> web.Response:
    session, now = _session(request), request.app[CONTEXT].clock()
    body = await request.json()
    try:
        session.tap(now, str(body.get("category")), str(body.get("direction")))
    except HandCheckRefused as refused:
        return web.json_response({"error": str(refused), **_state(session, now)}, status=409)
    return web.json_response(_state(session, now))


@requires(Role.REVIEWER)
async def undo(request: web.Request) -> web.Response:
    session = _session(request)
    session.undo()
    return web.json_response(_state(session, request.app[CONTEXT].clock()))


def _finish(store_path: Any, session: Session, end: float) -> HandCheck:
    """Compare and store, in one of the box's threads."""
    store = StatisticsStore(store_path)
    try:
        check = compare(store, session, end)
        store.add_hand_check(check)
        return check
    finally:
        store.close()


@requires(Role.REVIEWER)
async def stop(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    person = request[SESSION_KEY].user
    session = request.app[SESSIONS].pop(person, None)
    if session is None:
        raise web.HTTPSeeOther("/traffic/check")
    point = session.point
    try:
        check = await context.work.run(
            person, _finish, context.bridge.site.counting.store_path, session, session.end_at(context.clock())
        )
    except HandCheckRefused:
        raise web.HTTPSeeOther("/traffic/check?" + urlencode({"point": point.id, "discarded": 1})) from None
    await context.work.run(
        person,
        context.audit.append,
        person,
        "counting.hand_check",
        point.id,
        {
            "start": datetime.fromtimestamp(check.start, point.zone).isoformat(),
            "end": datetime.fromtimestamp(check.end, point.zone).isoformat(),
            "short": check.short,
            "counts": [list(counted) for counted in check.counts],
        },
    )
    day = datetime.fromtimestamp(check.start, point.zone).date().isoformat()
    raise web.HTTPSeeOther("/traffic?" + urlencode({"point": point.id, "day": day}) + "#hand-check")


def register(app: web.Application) -> None:
    app[SESSIONS] = {}
    app.router.add_get("/traffic/check", check_page)
    app.router.add_post("/traffic/check", start)
    app.router.add_post("/traffic/check/stop", stop)
    app.router.add_get("/api/hand-check", state)
    app.router.add_post("/api/hand-check/tap", tap)
    app.router.add_post("/api/hand-check/undo", undo)
