"""Count series read back from the statistics store: per counting point, interval by interval, with
the share of each interval the camera was really analysed (its coverage), and their roll-ups.

Intervals, hours and days are those of the site's time zone ([counting] timezone; local_time.py): an
hourly roll-up of the day the clocks go forward has 23 hours, of the day they go back 25, and a daily
one adds 23 or 25 hours of counts and analysed time (its coverage is over that length).

An interval the camera was not analysed at all has coverage 0: missing data, never zero traffic. An
interval analysed in part holds the crossings seen while it was; its coverage says how much to trust it
(no extrapolation here: that is the reader's choice, made visible).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from analytics.skills.counting import CountingConfig
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.categories import CATEGORIES, Category, category_of
from genetec_bridge.counting.local_time import DAY_S as DAY_S  # the periods of roll_up, for its callers
from genetec_bridge.counting.local_time import HOUR_S as HOUR_S
from genetec_bridge.counting.local_time import floor, following, periods
from genetec_bridge.counting.store import NOT_MEASURED, StatisticsStore

DIRECTIONS = ("A->B", "B->A")


@dataclass(frozen=True)
class CountingPoint:
    """A counting line of a camera: what the exports call a measurement point."""

    id: str
    camera_id: str
    camera_name: str
    line: str
    interval_s: float
    classes: tuple[str, ...]
    segment: tuple[tuple[float, float], tuple[float, float]]  # normalised image coordinates, A to B
    location: tuple[float, float] | None  # WGS84 longitude, latitude
    zone: ZoneInfo  # the site's: local intervals, hours and days
    origins: tuple[str, ...] = ()  # the lines of its turning movements

    @property
    def categories(self) -> tuple[Category, ...]:
        counted = {category_of(name) for name in self.classes}
        return tuple(category for category in CATEGORIES if category in counted)


def counting_points(site: SiteConfig) -> list[CountingPoint]:
    points = []
    for camera in site.cameras:
        for skill in camera.skills:
            if isinstance(skill, CountingConfig):
                a, b = camera.line(skill.line).points
                points.append(
                    CountingPoint(
                        id=f"{camera.id}:{skill.line}",
                        camera_id=camera.id,
                        camera_name=camera.name or camera.id,
                        line=skill.line,
                        interval_s=skill.interval_s,
                        classes=tuple(skill.classes),
                        segment=((a[0], a[1]), (b[0], b[1])),
                        location=skill.location,
                        zone=site.counting.zone,
                        origins=tuple(skill.origins),
                    )
                )
    return points


V85_SHARE = 0.85


@dataclass(frozen=True)
class Speeds:
    """The speeds of one category's vehicles in one direction over a period."""

    vehicles: int  # crossings of the category, measured or not
    measured: int
    mean_kmh: float | None  # None when no vehicle was measured
    v85_kmh: int | None

    @property
    def measured_share(self) -> float:
        return self.measured / self.vehicles if self.vehicles else 0.0


SpeedTally = Mapping[tuple[str, str, int], tuple[int, float]]  # (category, direction, km/h) -> n, sum km/h


@dataclass(frozen=True)
class Measure:
    """The crossings of one counting point over [start, end), per detector class and direction, with
    their speeds and origins per category."""

    point: CountingPoint
    start: float
    end: float
    analysed_s: float
    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (class, direction) -> n
    speeds: SpeedTally = field(default_factory=dict)
    movements: Mapping[tuple[str, str, str], int] = field(
        default_factory=dict
    )  # (category, origin, dir) -> n

    @property
    def coverage(self) -> float:
        return min(1.0, self.analysed_s / (self.end - self.start))

    def by_category(self) -> Counter[tuple[Category, str]]:
        """(category, direction) -> crossings."""
        tally: Counter[tuple[Category, str]] = Counter()
        for (class_name, direction), n in self.counts.items():
            tally[(category_of(class_name), direction)] += n
        return tally

    def total(self) -> int:
        return sum(self.counts.values())

    def speed(self, category: str, direction: str) -> Speeds:
        bins = sorted(
            (kmh, tally) for (c, d, kmh), tally in self.speeds.items() if (c, d) == (category, direction)
        )
        vehicles = sum(n for _, (n, _) in bins)
        measured = [(kmh, n, total) for kmh, (n, total) in bins if kmh != NOT_MEASURED]
        count = sum(n for _, n, _ in measured)
        if not count:
            return Speeds(vehicles, 0, None, None)
        rank, seen = math.ceil(V85_SHARE * count), 0
        v85 = next(kmh for kmh, n, _ in measured if (seen := seen + n) >= rank)
        return Speeds(vehicles, count, sum(total for _, _, total in measured) / count, v85)


def measures(store: StatisticsStore, point: CountingPoint, start: float, end: float) -> list[Measure]:
    """Every interval of the point starting in [start, end), analysed or not, oldest first."""
    step, zone = point.interval_s, point.zone
    intervals = periods(start, end, step, zone)
    if not intervals:
        return []
    first = intervals[0][0]
    analysed: defaultdict[float, float] = defaultdict(float)
    for minute, seconds in store.analysed(point.camera_id, first, end).items():
        analysed[floor(minute, step, zone)] += seconds
    counts: dict[float, Counter[tuple[str, str]]] = {}
    for row in store.counts(point.camera_id, point.line, first, end):
        counts.setdefault(row.start, Counter())[(row.class_name, row.direction)] += row.count
    speeds: dict[float, dict[tuple[str, str, int], tuple[int, float]]] = {}
    for speed in store.speeds(point.camera_id, point.line, first, end):
        speeds.setdefault(speed.start, {})[(speed.category, speed.direction, speed.kmh)] = (
            speed.count,
            speed.sum_kmh,
        )
    movements: dict[float, dict[tuple[str, str, str], int]] = {}
    for move in store.movements(point.camera_id, point.line, first, end):
        movements.setdefault(move.start, {})[(move.category, move.origin, move.direction)] = move.count
    return [
        Measure(
            point,
            at,
            until,
            analysed[at],
            dict(counts.get(at, {})),
            speeds.get(at, {}),
            movements.get(at, {}),
        )
        for at, until in intervals
    ]


def roll_up(series: list[Measure], period_s: float) -> list[Measure]:
    """The intervals summed into local periods (HOUR_S, DAY_S): counts added, analysed time added."""
    if not series:
        return []
    step = series[0].point.interval_s
    if period_s % step:
        raise ValueError(f"a period of {period_s:g} s is not a whole number of {step:g} s intervals")
    zone = series[0].point.zone
    groups: dict[float, list[Measure]] = {}
    for measure in series:
        groups.setdefault(floor(measure.start, period_s, zone), []).append(measure)
    return [combine(members, start, following(start, period_s, zone)) for start, members in groups.items()]


def combine(series: list[Measure], start: float, end: float) -> Measure:
    """One measure over [start, end) from the intervals in it: counts, speeds, movements and analysed
    time added."""
    counts: Counter[tuple[str, str]] = Counter()
    movements: Counter[tuple[str, str, str]] = Counter()
    speeds: dict[tuple[str, str, int], tuple[int, float]] = {}
    for measure in series:
        counts.update(measure.counts)
        movements.update(measure.movements)
        for key, (n, total) in measure.speeds.items():
            before = speeds.get(key, (0, 0.0))
            speeds[key] = (before[0] + n, before[1] + total)
    analysed = sum(measure.analysed_s for measure in series)
    return Measure(series[0].point, start, end, analysed, dict(counts), speeds, dict(movements))


def site_measures(
    store: StatisticsStore, points: list[CountingPoint], start: float, end: float, period_s: float | None
) -> list[Measure]:
    """Every point's intervals starting in [start, end), or (with `period_s`) their sums per period.

    Raises ValueError naming the point when a period is not a whole number of its intervals."""
    series = []
    for point in points:
        raw = measures(store, point, start, end)
        try:
            series += raw if period_s is None else roll_up(raw, period_s)
        except ValueError as error:
            raise ValueError(f"{point.id}: {error}") from None
    return series
