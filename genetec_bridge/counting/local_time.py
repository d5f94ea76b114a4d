"""Local days and hours of the site's time zone ([counting] timezone): where the statistics' intervals,
hours, days and months start and end, and how their times are written.

Periods of an hour or less are wall-clock multiples of the period within the hour (a 15-minute interval
starts at :00, :15, ... local time); a daylight-saving change shifts the clock by a whole hour, so such
intervals follow on without a gap or an overlap. Longer periods are counted from local midnight in
wall-clock time, and a day runs from one local midnight to the next: 23 hours on the day the clocks go
forward, 25 on the day they go back (Europe/Paris: the last Sundays of March and October). The repeated
hour of that day is two hours, each with its own offset.

Times are epoch seconds in the store; people read them as ISO 8601 with the offset of that moment.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HOUR_S = 3600.0
DAY_S = 86400.0


def floor(clock: float, period_s: float, zone: ZoneInfo) -> float:
    """Start of the local period of `period_s` seconds (at most a day) that holds `clock`."""
    local = datetime.fromtimestamp(clock, zone)
    if period_s <= HOUR_S:
        offset = local.utcoffset() or timedelta(0)
        return clock - (clock + offset.total_seconds()) % period_s
    since_midnight = local.hour * HOUR_S + local.minute * 60 + local.second + local.microsecond / 1e6
    return _wall(local.date(), since_midnight // period_s * period_s, zone)


def following(start: float, period_s: float, zone: ZoneInfo) -> float:
    """Start of the local period after the one starting at `start`."""
    if period_s <= HOUR_S:
        # One period on, unless a clock change moved the boundaries (a period not dividing an hour).
        return floor(start + period_s, period_s, zone)
    local = datetime.fromtimestamp(start, zone)
    since_midnight = local.hour * HOUR_S + local.minute * 60 + local.second
    after = (since_midnight // period_s + 1) * period_s
    if after >= DAY_S:
        return _wall(local.date() + timedelta(days=1), 0.0, zone)
    return _wall(local.date(), after, zone)


def periods(start: float, end: float, period_s: float, zone: ZoneInfo) -> list[tuple[float, float]]:
    """(start, end) of each local period starting in [floor(start), end), oldest first."""
    found = []
    at = floor(start, period_s, zone)
    while at < end:
        until = following(at, period_s, zone)
        found.append((at, until))
        at = until
    return found


def midnight(day: date, zone: ZoneInfo) -> float:
    """The local midnight starting `day`."""
    return _wall(day, 0.0, zone)


def local_iso(clock: float, zone: ZoneInfo) -> str:
    """ISO 8601 with the offset in force at that moment, e.g. 2026-03-29T03:00:00+02:00."""
    return datetime.fromtimestamp(clock, zone).isoformat()


def local_hour(clock: float, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(clock, zone).hour


def local_date(clock: float, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(clock, zone).date()


def _wall(day: date, seconds: float, zone: ZoneInfo) -> float:
    """The moment the local clock reads `seconds` after midnight of `day` (a time skipped by a change
    to summer time is read with the offset before it: 02:30 on that day is 03:30 summer time)."""
    return (datetime.combine(day, time(0), zone) + timedelta(seconds=seconds)).timestamp()
