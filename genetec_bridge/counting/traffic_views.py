"""What the box's traffic page shows for one counting point, as JSON-ready dicts: local days and hours
of the site's time zone ([counting] timezone), times as ISO 8601 with their offset. A day has 23 or 25
hours when the clocks change (the repeated hour is listed twice, with its two offsets).

Every figure comes with the coverage of its period (share of it the camera was analysed); a period
never analysed has `null` counts: missing data, not zero traffic. Counts are per category (VL, PL,
2RM, velo, pieton: see categories.py) and are not extrapolated.

    points(site)                                   the counting points, for a menu
    daily_profile(store, point, day)               24 hours of one day, per category
    week_over_week(store, point, week_start)       7 days of a week and of the week before, per category
    direction_split(store, point, start, end)      per direction and category, over a period
    coverage(store, point, start, end, period_s)   the coverage of each interval, hour or day
    speeds_and_movements(store, point, start, end) per category and direction: vehicles, share measured,
                                                   mean and V85 (km/h); and the turning movements

Speeds exist only where the camera has a ground calibration: the caller says whether it has one, and
an uncalibrated camera's speeds are listed as not measured (share 0), never as a speed of 0.
"""

from datetime import date, datetime, timedelta
from typing import Any

from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.local_time import local_iso, midnight
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
    start, end = midnight(day, point.zone), midnight(day + timedelta(days=1), point.zone)
    hours = roll_up(measures(store, point, start, end), HOUR_S)
    return {"point": point.id, "day": day.isoformat(), "hours": [_by_category(hour) for hour in hours]}


def week_over_week(store: StatisticsStore, point: CountingPoint, week_start: date) -> dict[str, Any]:
    def week(first: date) -> list[dict[str, Any]]:
        start, end = midnight(first, point.zone), midnight(first + timedelta(days=7), point.zone)
        return [_by_category(day) for day in roll_up(measures(store, point, start, end), DAY_S)]

    return {
        "point": point.id,
        "this_week": week(week_start),
        "previous_week": week(week_start - timedelta(days=7)),
    }


def _whole_period(store: StatisticsStore, point: CountingPoint, start: datetime, end: datetime) -> Measure:
    """The point's measures from start to end combined into one; ValueError when there are none."""
    series = measures(store, point, start.timestamp(), end.timestamp())
    if not series:
        raise ValueError(f"the period {start.isoformat()} to {end.isoformat()} is empty")
    return combine(series, series[0].start, series[-1].end)


def direction_split(
    store: StatisticsStore, point: CountingPoint, start: datetime, end: datetime
) -> dict[str, Any]:
    whole = _whole_period(store, point, start, end)
    tally = whole.by_category()
    return {
        "point": point.id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "coverage": round(whole.coverage, 4),
        "analysed_s": round(whole.analysed_s),
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
        {
            "start": local_iso(m.start, point.zone),
            "end": local_iso(m.end, point.zone),
            "coverage": round(m.coverage, 4),
        }
        for m in series
    ]


def speeds_and_movements(
    store: StatisticsStore, point: CountingPoint, start: datetime, end: datetime
) -> dict[str, Any]:
    whole = _whole_period(store, point, start, end)
    speeds = []
    for category in point.categories:
        for direction in DIRECTIONS:
            speed = whole.speed(category, direction)
            speeds.append(
                {
                    "category": category,
                    "direction": direction,
                    "vehicles": speed.vehicles,
                    "measured_share": round(speed.measured_share, 4),
                    "mean_kmh": None if speed.mean_kmh is None else round(speed.mean_kmh, 1),
                    "v85_kmh": speed.v85_kmh,
                }
            )
    movements = [
        {"category": category, "origin": origin, "direction": direction, "count": n}
        for (category, origin, direction), n in sorted(whole.movements.items())
        if n and point.origins  # without origin lines every vehicle is "from no line": nothing to read
    ]
    return {"speeds": speeds, "movements": movements, "origins": list(point.origins)}


def _by_category(measure: Measure) -> dict[str, Any]:
    tally = measure.by_category()
    counts = (
        {category: sum(tally[(category, d)] for d in DIRECTIONS) for category in measure.point.categories}
        if measure.analysed_s
        else None
    )
    return {
        "start": local_iso(measure.start, measure.point.zone),
        "end": local_iso(measure.end, measure.point.zone),
        "coverage": round(measure.coverage, 4),
        "counts": counts,
    }
