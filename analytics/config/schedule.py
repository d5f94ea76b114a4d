"""When a skill runs: weekly time windows in a site time zone; a window may cross midnight."""

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field

from analytics.config.strict_model import StrictModel

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _clock(value: str) -> str:
    if not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a time of day HH:MM (00:00 to 24:00)")
    return value


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not a known IANA time zone, e.g. 'Europe/Paris'") from None
    return value


Clock = Annotated[str, AfterValidator(_clock)]
# An IANA time zone name, checked at load: the schedules' and the statistics' ([counting] timezone).
TimeZoneName = Annotated[str, AfterValidator(_zone)]


def host_time_zone() -> str:
    """The host's IANA time zone: $TZ when it names one, else the zone /etc/localtime links to; UTC
    when neither says (a container without zone data)."""
    candidates = [os.environ.get("TZ", "").removeprefix(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        candidates.append(str(localtime.resolve()).partition("/zoneinfo/")[2])
    for name in candidates:
        try:
            return _zone(name)
        except ValueError:
            continue
    return "UTC"


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class TimeWindow(StrictModel):
    days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS),
        description="Days on which the window opens; a window crossing midnight ends on the next day.",
    )
    start: Clock = Field(description="Opening time, HH:MM local time.")
    end: Clock = Field(description="Closing time, HH:MM local time; earlier than start means the next day.")

    def contains(self, local: datetime) -> bool:
        start, end = _minutes(self.start), _minutes(self.end)
        now = local.hour * 60 + local.minute
        today = WEEKDAYS[local.weekday()]
        yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
        if start < end:
            return today in self.days and start <= now < end
        if start == end:
            return today in self.days
        return (today in self.days and now >= start) or (yesterday in self.days and now < end)


class Schedule(StrictModel):
    """A named set of weekly windows, e.g. nights and week-ends."""

    timezone: TimeZoneName = Field(
        "UTC", description="IANA time zone the windows are written in, e.g. 'Europe/Paris'."
    )
    windows: list[TimeWindow] = Field(min_length=1, description="The skill runs inside any of these windows.")

    def is_active(self, at: datetime) -> bool:
        """Whether `at` (an aware datetime) falls inside a window, in the schedule's time zone."""
        local = at.astimezone(ZoneInfo(self.timezone)).replace(second=0, microsecond=0)
        return any(window.contains(local) for window in self.windows)
