"""Traffic of one counting point (every role): the day's hourly profile per category, the week against
the one before, the split per direction and the coverage, each drawn by the vendored Chart.js and
listed in a table; and the open-data exports of a date range (CSV: points, measures, speeds and
turning movements, zipped; NGSI-LD JSON; or DATEX II XML), written by the same code as
`genetec-bridge counts export`: to a temporary file, in bounded memory, then sent from it; at most
MAX_EXPORT_DAYS a request.

Days and hours are local to the site's time zone ([counting] timezone, named on the page), as in the
exports and the monthly report; "today" is the site's. A period never analysed is missing data
(`null`), never zero traffic; a period that has not begun yet is "not yet", not missing. A share of the
day analysed that rounds to 0 % but is not zero reads "< 1 %" with the time analysed written beside it.
The export's default range is the chosen day's week up to today (it ends now, never in the coming days).

Speeds (vehicles, share measured, mean and V85 per category and direction) and turning movements of
the day; a camera without ground calibration says it measures no speed.

The latest hand check of the point (counting/hand_check.py) is shown with its per-category error and
95 % interval, and a link to start one (box/pages/hand_check.py).
"""

import tempfile
import zipfile
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import language
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires
from genetec_bridge.commands.counts import PERIODS
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting import traffic_views
from genetec_bridge.counting.categories import CATEGORY_NAMES
from genetec_bridge.counting.export_files import FORMATS, write_exports
from genetec_bridge.counting.hand_check import errors
from genetec_bridge.counting.series import CountingPoint, counting_points
from genetec_bridge.counting.store import HandCheck, StatisticsStore

CONTENT_TYPES = {".zip": "application/zip", ".json": "application/json", ".xml": "application/xml"}
MAX_EXPORT_DAYS = 366  # a year, a leap one too: what a city compares; longer is the command's work


def _day(text: str | None, default: date, key: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{key}: '{text}' is not a day like 2026-03-01") from None


def _local(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _mark_future(periods: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    """Each period with `future`: it has not begun yet (its counts are not yet, not missing)."""
    for period in periods:
        period["future"] = datetime.fromisoformat(period["start"]).timestamp() >= now
    return periods


def hand_check_view(check: HandCheck, zone: ZoneInfo) -> dict[str, Any]:
    """The check as the traffic page and its test read it: local times, the error per category."""
    return {
        "start": datetime.fromtimestamp(check.start, zone).isoformat(),
        "end": datetime.fromtimestamp(check.end, zone).isoformat(),
        "minutes": round((check.end - check.start) / 60),
        "short": check.short,
        "person": check.person,
        "coverage": check.coverage,
        "errors": [asdict(error) for error in errors(check)],
    }


def _views(path: Path, point: CountingPoint, day: date, now: float) -> dict[str, Any]:
    store = StatisticsStore(path)
    try:
        start, end = _local(day, point.zone), _local(day + timedelta(days=1), point.zone)
        profile = traffic_views.daily_profile(store, point, day)
        weeks = traffic_views.week_over_week(store, point, day - timedelta(days=day.weekday()))
        _mark_future(profile["hours"], now)
        _mark_future(weeks["this_week"], now)
        _mark_future(weeks["previous_week"], now)
        check = store.latest_hand_check(point.id, now)
        return {
            "profile": profile,
            "weeks": weeks,
            "directions": traffic_views.direction_split(store, point, start, end),
            "coverage": _mark_future(traffic_views.coverage(store, point, start, end), now),
            "speeds": traffic_views.speeds_and_movements(store, point, start, end),
            "hand_check": None if check is None else hand_check_view(check, point.zone),
        }
    finally:
        store.close()


def _export_range(day: date, today: date) -> tuple[date, date]:
    """The chosen day's week, up to today included (the range's end is excluded): never days to come."""
    monday = day - timedelta(days=day.weekday())
    return monday, max(monday + timedelta(days=1), min(monday + timedelta(days=7), today + timedelta(days=1)))


@requires(Role.VIEWER)
async def traffic_page(request: web.Request) -> web.Response:
    site = request.app[CONTEXT].bridge.site
    points = counting_points(site)
    today = datetime.fromtimestamp(request.app[CONTEXT].clock(), site.counting.zone).date()
    day = _day(request.query.get("day"), today, "day")
    chosen = request.query.get("point")
    point = next((p for p in points if p.id == chosen), points[0] if points else None)
    if chosen is not None and (point is None or point.id != chosen):
        raise web.HTTPNotFound(text=f"no counting point {chosen}")
    views = None
    if point is not None and site.counting.store_path.is_file():
        views = await request.app[CONTEXT].work.run(
            request[SESSION_KEY].user,
            _views,
            site.counting.store_path,
            point,
            day,
            request.app[CONTEXT].clock(),
        )
    export_from, export_to = _export_range(day, today)
    return render(
        request,
        "traffic.html",
        points=points,
        point=point,
        day=day.isoformat(),
        views=views,
        export_from=export_from.isoformat(),
        export_to=export_to.isoformat(),
        periods=tuple(PERIODS),
        formats=FORMATS,
        category_names=CATEGORY_NAMES[language(request)],
        timezone=site.counting.timezone,
        calibrated=point is not None and calibrated(site, point),
    )


def calibrated(site: SiteConfig, point: CountingPoint) -> bool:
    """Whether the point's camera has a ground calibration (else it measures no speed)."""
    return any(camera.id == point.camera_id and camera.ground is not None for camera in site.cameras)


def _export(
    directory: Path,
    path: Path,
    points: list[CountingPoint],
    start: datetime,
    end: datetime,
    period: str,
    kind: str,
) -> Path:
    """The export's file in `directory`: the JSON file, or the CSV files zipped."""
    stem = f"{start.date()}-{end.date()}-{period}"
    store = StatisticsStore(path)
    try:
        files = write_exports(
            directory / "files",
            store,
            points,
            start.timestamp(),
            end.timestamp(),
            PERIODS[period],
            stem,
            (kind,),
        )
    finally:
        store.close()
    if len(files) == 1:
        return files[0]
    archive = directory / f"comptages-{stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in files:
            zipped.write(file, file.name)
    return archive


@requires(Role.VIEWER)
async def export(request: web.Request) -> web.StreamResponse:
    site = request.app[CONTEXT].bridge.site
    query = request.query
    zone = site.counting.zone
    today = datetime.fromtimestamp(request.app[CONTEXT].clock(), zone).date()
    start = _day(query.get("from"), today, "from")
    end = _day(query.get("to"), start + timedelta(days=1), "to")
    period, kind = query.get("period", "interval"), query.get("format", "csv")
    if period not in PERIODS:
        raise web.HTTPBadRequest(text=f"period: one of {', '.join(PERIODS)}")
    if kind not in FORMATS:
        raise web.HTTPBadRequest(text=f"format: one of {', '.join(FORMATS)}")
    if not 0 < (end - start).days <= MAX_EXPORT_DAYS:
        raise web.HTTPBadRequest(text=f"to: after from, and at most {MAX_EXPORT_DAYS} days after it")
    path = site.counting.store_path
    if not path.is_file():
        raise web.HTTPNotFound(text="no statistics store yet (counting.store_path)")
    with tempfile.TemporaryDirectory() as directory:
        try:
            file = await request.app[CONTEXT].work.run(
                request[SESSION_KEY].user,
                _export,
                Path(directory),
                path,
                counting_points(site),
                _local(start, zone),
                _local(end, zone),
                period,
                kind,
            )
        except ValueError as error:
            raise web.HTTPBadRequest(text=f"{error} (its counting skill's interval_s)") from None
        response = web.FileResponse(
            file,
            headers={
                "Content-Type": CONTENT_TYPES[file.suffix],
                "Content-Disposition": f'attachment; filename="{file.name}"',
            },
        )
        # Sent whole before the directory goes.
        await response.prepare(request)
        return response


def register(app: web.Application) -> None:
    app.router.add_get("/traffic", traffic_page)
    app.router.add_get("/traffic/export", export)
