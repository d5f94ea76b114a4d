"""Times as a person reads and types them in the box: on the site's clock ([counting] timezone, the
zone of the traffic page, the exports and the monthly report), whatever the zone of the browser or of
the host: an integrator may configure a Paris site from elsewhere, and the box, the report and the
CSV must agree. Each page names the zone once, beside its times.

A wall time is written `2026-10-25 14:05:09`; in the hour repeated when the clocks go back, where the
wall time alone names two moments, the offset follows it: `2026-10-25 02:30:00 (UTC+01:00)`. Times a
script reads (the live view's JSON) are ISO 8601 with the offset of that moment. A day typed in a
filter runs from one local midnight to the next: 23 or 25 hours at a daylight-saving change."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from genetec_bridge.counting.local_time import midnight


def wall_time(moment: datetime | str, zone: ZoneInfo) -> str:
    """`moment` (aware, or ISO 8601 with an offset) on the site's clock, to the second."""
    local = (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).astimezone(zone)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        text += f" (UTC{local.isoformat()[-6:]})"
    return text


def site_iso(moment: datetime, zone: ZoneInfo, timespec: str = "seconds") -> str:
    """ISO 8601 on the site's clock with the offset in force then, e.g. 2026-10-25T02:30:00+01:00."""
    return moment.astimezone(zone).isoformat(timespec=timespec)


def local_days(
    first: date | None, last: date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """[start, end) of the local days `first` to `last` included; None where a side is open."""
    start = datetime.fromtimestamp(midnight(first, zone), UTC) if first else None
    end = datetime.fromtimestamp(midnight(last + timedelta(days=1), zone), UTC) if last else None
    return start, end
