"""The 15-minute hand check in the box (reviewers and integrators): a person picks a counting point, the
check starts at the next counting-interval boundary (counting/hand_check.py says why), and they tap a key
per vehicle, its category and direction, while watching the camera; keys and buttons are listed on the
page in both languages. Each tap is timed by the box's clock and refused outside the window. At the end
(the page stops it when the time is up) or when stopped earlier (marked short) the check waits for the
product's counts of its whole window to be committed ("settling"), then they are read from the statistics
store and the check is stored there, audited, and shown on the traffic page and in the monthly report.

A check under way is kept in the statistics store, one per account, each tap committed before it is
answered: after a restart of the box or the bridge the page shows it again ("resumed"), and the person
continues or abandons it; one the box was away from for too long is closed as counting/hand_check.py
says. Every read and write of the store runs in the box's worker pool, off the loop, in one store opened
once per box (a check of the file at each open would cost every tap); the page's script sends one
request at a time, within the box's per-account limit.
"""

import asyncio
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.counting import hand_check
from genetec_bridge.counting.hand_check import HandCheckAway, HandCheckRefused, Session, ready
from genetec_bridge.counting.series import DIRECTIONS, CountingPoint, counting_points
from genetec_bridge.counting.store import StatisticsStore

T = TypeVar("T")
# Keys that sit in the same place on AZERTY and QWERTY keyboards: one row per direction.
KEYS = {"A->B": "sdfgh", "B->A": "xcvbn"}


class KeptStore:
    """The statistics store of the hand checks, opened at first use in a box thread (again when the
    site's store path changes) and closed with the box."""

    def __init__(self) -> None:
        self._store: StatisticsStore | None = None
        self._opening = asyncio.Lock()

    async def get(self, request: web.Request) -> StatisticsStore:
        context = request.app[CONTEXT]
        path = Path(context.bridge.site.counting.store_path)
        async with self._opening:
            if self._store is None or self._store.path != path:
                previous = self._store
                self._store = await context.work.run(request[SESSION_KEY].user, StatisticsStore, path)
                if previous is not None:
                    await context.work.run(request[SESSION_KEY].user, previous.close)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


STORE: web.AppKey[KeptStore] = web.AppKey("hand_check_store", KeptStore)
# This run of the box: a check last served by another one is resumed after a restart.
RUN: web.AppKey[str] = web.AppKey("hand_check_run", str)


async def _in_store(request: web.Request, work: Callable[[StatisticsStore], T]) -> T:
    """`work(store)` in a box thread for the request's account."""
    store = await request.app[STORE].get(request)
    return await request.app[CONTEXT].work.run(request[SESSION_KEY].user, work, store)


def _point(request: web.Request, chosen: str | None) -> CountingPoint:
    points = counting_points(request.app[CONTEXT].bridge.site)
    point = next((p for p in points if p.id == chosen), None)
    if point is None:
        raise web.HTTPNotFound(text=f"point: no counting point {chosen}")
    return point


async def _current(request: web.Request) -> tuple[Session | None, bool]:
    """The account's check under way and whether its end's counts are committed; a check the box was
    away from for too long ends here (HandCheckRefused: it was not kept)."""
    person, now = request[SESSION_KEY].user, request.app[CONTEXT].clock()
    points = counting_points(request.app[CONTEXT].bridge.site)

    def current(store: StatisticsStore) -> tuple[Session | None, bool]:
        session = hand_check.current(store, points, person, now, request.app[RUN])
        if session is None:
            return None, False
        return session, ready(store, session.point, session.end_at(now), now)

    return await _in_store(request, current)


def _state(session: Session, now: float, settled: bool) -> dict[str, Any]:
    """What the page shows of a check under way (and what its script polls): "settling" once stopped
    or past its end while the product's counts are awaited, "over" when they are there."""
    if session.stopped_at is None and now < session.planned_end:
        phase = "waiting" if now < session.start else "counting"
    else:
        phase = "over" if settled else "settling"
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


def _discarded(point_id: str | None, refused: HandCheckRefused) -> web.HTTPSeeOther:
    """Back to the page, saying the check was not kept (and when the box was away, if that is why)."""
    query = {"discarded": "1"} | ({} if point_id is None else {"point": point_id})
    if isinstance(refused, HandCheckAway):
        query |= {"away": refused.away, "back": refused.back}
    return web.HTTPSeeOther("/traffic/check?" + urlencode(query))


@requires(Role.REVIEWER)
async def check_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    site = context.bridge.site
    points = counting_points(site)
    try:
        session, settled = await _current(request)
    except HandCheckRefused as refused:
        raise _discarded(request.query.get("point"), refused) from None
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
        state=_state(session, context.clock(), settled) if session else None,
        resumed=session is not None and session.resumed,
        discarded=request.query.get("discarded") is not None,
        away=(request.query.get("away"), request.query.get("back")) if "away" in request.query else None,
        timezone=site.counting.timezone,
    )


@requires(Role.REVIEWER)
async def start(request: web.Request) -> web.Response:
    form = await request.post()
    chosen = form.get("point")
    point = _point(request, chosen if isinstance(chosen, str) else None)
    person, now = request[SESSION_KEY].user, request.app[CONTEXT].clock()
    await _in_store(request, lambda store: hand_check.begin(store, point, person, now, request.app[RUN]))
    raise web.HTTPSeeOther("/traffic/check")


async def _session(request: web.Request) -> tuple[Session, bool]:
    try:
        session, settled = await _current(request)
    except HandCheckRefused as refused:
        raise _conflict(str(refused)) from None
    if session is None:
        raise _conflict("no hand check under way")
    return session, settled


def _conflict(error: str) -> web.HTTPConflict:
    return web.HTTPConflict(text=web.json_response({"error": error}).text, content_type="application/json")


@requires(Role.REVIEWER)
async def state(request: web.Request) -> web.Response:
    session, settled = await _session(request)
    return web.json_response(_state(session, request.app[CONTEXT].clock(), settled))


@requires(Role.REVIEWER)
async def tap(request: web.Request) -> web.Response:
    session, settled = await _session(request)
    now = request.app[CONTEXT].clock()
    body = await request.json()
    category, direction = str(body.get("category")), str(body.get("direction"))
    try:
        await _in_store(
            request, lambda store: hand_check.record_tap(store, session, now, category, direction)
        )
    except HandCheckRefused as refused:
        return web.json_response({"error": str(refused), **_state(session, now, settled)}, status=409)
    return web.json_response(_state(session, now, settled))


@requires(Role.REVIEWER)
async def undo(request: web.Request) -> web.Response:
    session, settled = await _session(request)
    await _in_store(request, lambda store: hand_check.record_undo(store, session))
    return web.json_response(_state(session, request.app[CONTEXT].clock(), settled))


@requires(Role.REVIEWER)
async def abandon(request: web.Request) -> web.Response:
    person = request[SESSION_KEY].user
    await _in_store(request, lambda store: store.drop_hand_check(person))
    raise web.HTTPSeeOther("/traffic/check")


@requires(Role.REVIEWER)
async def stop(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    person = request[SESSION_KEY].user
    try:
        session, _ = await _current(request)
    except HandCheckRefused as refused:
        raise _discarded(None, refused) from None
    if session is None:
        raise web.HTTPSeeOther("/traffic/check")
    point, now = session.point, context.clock()
    try:
        check = await _in_store(request, lambda store: hand_check.finish(store, session, now))
    except HandCheckRefused as refused:
        raise _discarded(point.id, refused) from None
    if check is None:  # settling: the page waits for the product's counts, then stops it again
        raise web.HTTPSeeOther("/traffic/check")
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


async def _close_store(app: web.Application) -> None:
    await app[CONTEXT].work.run("hand_check", app[STORE].close)


def register(app: web.Application) -> None:
    app[STORE] = KeptStore()
    app[RUN] = secrets.token_hex(8)
    app.on_cleanup.append(_close_store)
    app.router.add_get("/traffic/check", check_page)
    app.router.add_post("/traffic/check", start)
    app.router.add_post("/traffic/check/stop", stop)
    app.router.add_post("/traffic/check/abandon", abandon)
    app.router.add_get("/api/hand-check", state)
    app.router.add_post("/api/hand-check/tap", tap)
    app.router.add_post("/api/hand-check/undo", undo)
