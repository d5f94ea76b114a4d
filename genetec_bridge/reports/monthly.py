"""The month's figures, gathered from the statistics store, the audit trail and the trust loop.

The month, its days and the hours of its hourly profile are those of the site's time zone ([counting]
timezone): March in Paris starts at 00:00 on the 1st local time (23:00 UTC the day before) and its 29th
has 23 hours; the report's times are written in that zone.

Each counting point comes with its month's speeds per category and direction (vehicles, share measured,
mean, V85; a camera without ground calibration is said to measure none) and its turning movements
(where the line has origin lines), and with its latest hand check finished by the end of the month (or now), if any:
when, how long (short when stopped early), who counted, and the error per category with its 95 %
interval (counting/hand_check.py).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from genetec_bridge.audit.trail import AuditEntry, AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.categories import Category
from genetec_bridge.counting.hand_check import ClassError, errors
from genetec_bridge.counting.local_time import local_hour
from genetec_bridge.counting.series import (
    DAY_S,
    DIRECTIONS,
    HOUR_S,
    CountingPoint,
    Measure,
    Speeds,
    combine,
    counting_points,
    measures,
    roll_up,
)
from genetec_bridge.counting.store import HandCheck, StatisticsStore
from genetec_bridge.reports.verdicts import SkillVerdicts, month_verdicts
from genetec_bridge.trust.store import TrustStore

COMPONENTS = ("bridge", "daemon", "security_center")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        try:
            parsed = datetime.strptime(text, "%Y-%m")
        except ValueError:
            raise ValueError(f"'{text}' is not a month like 2026-03") from None
        return cls(parsed.year, parsed.month)

    def start(self, zone: ZoneInfo) -> datetime:
        """Midnight of the 1st, local time."""
        return datetime(self.year, self.month, 1, tzinfo=zone)

    def end(self, zone: ZoneInfo) -> datetime:
        """Midnight of the next month's 1st, local time."""
        return datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=zone)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class AlertLine:
    camera: str
    skill: str
    raised: int
    verdicts: SkillVerdicts | None


@dataclass(frozen=True)
class PointTraffic:
    point: CountingPoint
    days: list[Measure]
    totals: Counter[tuple[Category, str]]
    coverage: float
    hourly_profile: dict[Category, list[float]]  # crossings per analysed hour, per local hour of day
    calibrated: bool  # the camera has a ground calibration: it measures speeds
    speeds: list[tuple[Category, str, Speeds]]  # per category and direction
    movements: dict[tuple[str, str, str], int]  # (category, origin line, direction) -> vehicles
    hand_check: HandCheck | None  # the latest finished by the end of the report's data
    hand_check_errors: list[ClassError]


@dataclass
class MonthlyReport:
    month: Month
    zone: ZoneInfo  # the site's: the month, its days and hours, and every time written
    generated_at: datetime
    until: datetime  # the end of the data: the month's end, or now for the month in progress
    availability: dict[str, float]  # component -> share of the period it was up
    cameras: dict[str, tuple[str, float]]  # camera id -> (name, share of the period analysed)
    alerts: list[AlertLine]
    verdicts_available: bool
    traffic: list[PointTraffic]
    changes: list[AuditEntry]
    audit_problems: list[str] | None  # None: no audit trail


def gather(
    site: SiteConfig,
    store: StatisticsStore,
    audit: AuditTrail,
    trust: TrustStore | None,
    month: Month,
    now: datetime,
) -> MonthlyReport:
    """`trust` is the site's trust store; None where the site has none (the report then says so)."""
    zone = site.counting.zone
    start, end = month.start(zone), month.end(zone)
    until = min(end, max(now, start))
    t0, t1 = start.timestamp(), until.timestamp()
    period_s = max(t1 - t0, 1.0)
    up = store.availability(t0, t1)
    availability = {
        name: (up[name].observed_s if name == "bridge" else up[name].up_s) / period_s if name in up else 0.0
        for name in COMPONENTS
    }
    cameras = {
        camera.id: (camera.name or camera.id, sum(store.analysed(camera.id, t0, t1).values()) / period_s)
        for camera in site.cameras
    }
    raised = store.alerts(t0, t1)
    entries = audit.entries()
    given = (
        {(v.camera_id, v.skill): v for v in month_verdicts(trust, entries, start, until)}
        if trust is not None
        else {}
    )
    alerts = [
        AlertLine(
            camera.id,
            skill.label,
            raised.get((camera.id, skill.label), 0),
            given.get((camera.id, skill.label)),
        )
        for camera in site.cameras
        for skill in camera.skills
        if skill.alert
    ]
    calibrated = {camera.id for camera in site.cameras if camera.ground is not None}
    traffic = [
        _point_traffic(store, point, t0, t1, point.camera_id in calibrated) for point in counting_points(site)
    ]
    changes = [entry for entry in entries if start <= datetime.fromisoformat(entry.at) < end]
    return MonthlyReport(
        month=month,
        zone=zone,
        generated_at=now,
        until=until,
        availability=availability,
        cameras=cameras,
        alerts=alerts,
        verdicts_available=trust is not None,
        traffic=traffic,
        changes=changes,
        audit_problems=audit.verify() if audit.path.exists() else None,
    )


def _point_traffic(
    store: StatisticsStore, point: CountingPoint, t0: float, t1: float, calibrated: bool
) -> PointTraffic:
    series = measures(store, point, t0, t1)
    month = combine(series, t0, t1)
    crossings: dict[Category, list[float]] = {category: [0.0] * 24 for category in point.categories}
    analysed_hours = [0.0] * 24
    for hour in roll_up(series, HOUR_S):
        of_day = local_hour(hour.start, point.zone)
        analysed_hours[of_day] += hour.coverage
        for (category, _), n in hour.by_category().items():
            crossings[category][of_day] += n
    profile = {
        category: [n / analysed_hours[h] if analysed_hours[h] else 0.0 for h, n in enumerate(per_hour)]
        for category, per_hour in crossings.items()
    }
    check = store.latest_hand_check(point.id, t1)
    return PointTraffic(
        point=point,
        days=roll_up(series, DAY_S),
        totals=month.by_category(),
        coverage=month.coverage,
        hourly_profile=profile,
        calibrated=calibrated,
        speeds=[(c, d, month.speed(c, d)) for c in point.categories for d in DIRECTIONS],
        movements={key: n for key, n in sorted(month.movements.items()) if n and point.origins},
        hand_check=check,
        hand_check_errors=[] if check is None else errors(check),
    )
