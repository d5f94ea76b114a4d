"""What the box's traffic page shows for one counting point, as JSON-ready dicts (UTC days and hours).

Every figure comes with the coverage of its period (share of it the camera was analysed); a period
never analysed has `null` counts: missing data, not zero traffic. Counts are per category (VL, PL,
2RM, velo, pieton: see categories.py) and are not extrapolated.

    points(site)                                   the counting points, for a menu
    daily_profile(store, point, day)               24 hours of one day, per category
    week_over_week(store, point, week_start)       7 days of a week and of the week before, per category
    direction_split(store, point, start, end)      per direction and category, over a period
    coverage(store, point, start, end, period_s)   the coverage of each interval, hour or day
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from analytics.skills.interval_counts import utc_iso
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.series import (
    DAY_S,
    DIRECTIONS,
    HOUR_S,
    CountingPoint,
    Measure,
    combine,
    counting_points,
    measures,
    roll_up,
)
from genetec_bridge.counting.store import StatisticsStore


def points(site: SiteConfig) -> list[dict[str, Any]]:
    return [
        {
            "id": point.id,
            "camera_id": point.camera_id,
            "camera_name": point.camera_name,
            "line": point.line,
            "interval_s": point.interval_s,
            "categories": list(point.categories),
        }
        for point in counting_points(site)
    ]


def daily_profile(store: StatisticsStore, point: CountingPoint, day: date) -> dict[str, Any]:
    start = _midnight(day)
    hours = roll_up(measures(store, point, start, start + DAY_S), HOUR_S)
    return {"point": point.id, "day": day.isoformat(), "hours": [_by_category(hour) for hour in hours]}


def week_over_week(store: StatisticsStore, point: CountingPoint, week_start: date) -> dict[str, Any]:
    def week(first: date) -> list[dict[str, Any]]:
        start = _midnight(first)
        return [_by_category(day) for day in roll_up(measures(store, point, start, start + 7 * DAY_S), DAY_S)]

    return {
        "point": point.id,
        "this_week": week(week_start),
        "previous_week": week(week_start - timedelta(days=7)),
    }


def direction_split(
    store: StatisticsStore, point: CountingPoint, start: datetime, end: datetime
) -> dict[str, Any]:
    series = measures(store, point, start.timestamp(), end.timestamp())
    if not series:
        raise ValueError(f"the period {start.isoformat()} to {end.isoformat()} is empty")
    whole = combine(series, series[0].start, series[-1].end)
    tally = whole.by_category()
    return {
        "point": point.id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "coverage": round(whole.coverage, 4),
        "directions": {
            direction: {category: tally[(category, direction)] for category in point.categories}
            for direction in DIRECTIONS
        },
    }


def coverage(
    store: StatisticsStore,
    point: CountingPoint,
    start: datetime,
    end: datetime,
    period_s: float | None = None,
) -> list[dict[str, Any]]:
    """Coverage per interval of the point (`period_s` None), or per HOUR_S / DAY_S."""
    series = measures(store, point, start.timestamp(), end.timestamp())
    if period_s is not None:
        series = roll_up(series, period_s)
    return [
        {"start": utc_iso(m.start), "end": utc_iso(m.end), "coverage": round(m.coverage, 4)} for m in series
    ]


def _by_category(measure: Measure) -> dict[str, Any]:
    tally = measure.by_category()
    counts = (
        {category: sum(tally[(category, d)] for d in DIRECTIONS) for category in measure.point.categories}
        if measure.analysed_s
        else None
    )
    return {
        "start": utc_iso(measure.start),
        "end": utc_iso(measure.end),
        "coverage": round(measure.coverage, 4),
        "counts": counts,
    }


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
