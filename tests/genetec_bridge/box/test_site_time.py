"""The box's site clock (box/site_time.py) on the days the clocks change in Paris: a day typed in a
filter is 23 hours on the last Sunday of March and 25 on the last Sunday of October, and the repeated
hour's wall times carry their offset (the same wall time names two moments)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from genetec_bridge.box.site_time import local_days, site_iso, wall_time

PARIS = ZoneInfo("Europe/Paris")


def test_a_local_day_lasts_23_or_25_hours_when_the_clocks_change() -> None:
    for day, hours in ((date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)):
        start, end = local_days(day, day, PARIS)
        assert start is not None and end is not None
        assert (end - start).total_seconds() == hours * 3600
        assert start.astimezone(PARIS) == datetime(day.year, day.month, day.day, tzinfo=PARIS)
    assert local_days(None, date(2026, 10, 25), PARIS)[0] is None
    assert local_days(date(2026, 10, 25), None, PARIS)[1] is None


def test_the_repeated_hour_names_its_offset_and_other_hours_do_not() -> None:
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert wall_time(first, PARIS) == "2026-10-25 02:30:00 (UTC+02:00)"
    assert wall_time(second, PARIS) == "2026-10-25 02:30:00 (UTC+01:00)"
    assert wall_time("2026-10-25T02:30:00+00:00", PARIS) == "2026-10-25 03:30:00"
    assert wall_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), PARIS) == "2026-03-29 03:00:00"
    assert site_iso(second, PARIS) == "2026-10-25T02:30:00+01:00"
