"""The statistics store: traffic counts, analysed time, availability and alerts, in one SQLite file.

A sibling of the outbox (same durability: WAL, synchronous=FULL). The bridge adds to it in batches
(`StatisticsBatch`): the crossings of a batch and the analysed time of the same frames are committed in
one transaction, so a crash loses both together and an interval's coverage always matches its counts.

- counts: crossings per camera, line, interval (the counting skill's `interval_s`, starting on local
  wall-clock multiples of the site's time zone: counting/local_time.py), detector class and direction;
- speeds: the same crossings per category (the vehicle's French class where the event has one) and
  direction, by speed rounded to the km/h (-1: no speed measured), with the exact speeds' sum: an
  interval's mean, 85th percentile (V85) and share of vehicles measured, and the same of any roll-up;
- movements: the same crossings per category, origin line ('' for none: turning movements) and
  direction: the origin-destination matrix of each interval;
- analysed: seconds each camera was really analysed, per UTC minute: the coverage of any interval;
  after a day (`roll_up`, from the retention), per UTC hour in analysed_hourly, a row an hour instead
  of sixty: the totals stay, an interval shorter than an hour is then given its share of its hour;
- availability: seconds the bridge observed, and found up, its daemon and its Security Center link,
  per UTC hour (a component is observed only while the bridge runs);
- alerts: alerts raised to Security Center per camera, skill and UTC hour (the outbox prunes delivered
  events within a day; the monthly report needs them for a month);
- hand_checks and hand_check_counts: the 15-minute hand checks (counting/hand_check.py): window, person,
  coverage, and per category and direction what the person and the product counted. They are the
  accuracy of the counts and name a person: the retention removes a check with the counts of its
  window, no later (a check without its counts proves nothing).
- hand_check_sessions and hand_check_taps: a check under way, one per person, every tap committed before
  the box answers it: a box or bridge restarted in its middle finds it again (counting/hand_check.py
  says how it resumes). Finishing a check stores it and removes its session in one transaction.
- analysed_until: per camera, the capture time of the latest analysed frame committed. Crossings and
  analysed time are committed together, so every crossing of a frame captured before it is in the
  store: a hand check compares only once its window's end is there (or it waited long enough).

UTC minutes and hours are local ones wherever the site's offset is a whole number of hours (all of
Europe); in a zone offset by a half or quarter hour, a local month's availability and alerts are those
of the UTC hours starting in it.

Only anonymous tallies are kept: no track, box or image. `prune` applies the retention
([retention] counts_days, by genetec_bridge.privacy.retention). A damaged file is moved aside at open
and a fresh store started (durable_sqlite.py's `open_checked`): the tallies start again, the bridge runs.
"""

import sqlite3
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genetec_bridge.durable_sqlite import open_checked
from genetec_bridge.store_health import StoreHealth

ANALYSED_BIN_S = 60.0
ROLLED_UP_BIN_S = 3600.0
AVAILABILITY_BIN_S = 3600.0
ALERT_BIN_S = 3600.0
TABLES = ("counts", "analysed", "availability", "alerts")
# The tables holding each of TABLES: analysed time is in minutes for a day, then in hours; the crossings'
# speeds and origins are more of their counts.
STORED_IN = {
    **{table: (table,) for table in TABLES},
    "counts": ("counts", "speeds", "movements"),
    "analysed": ("analysed", "analysed_hourly"),
}
NOT_MEASURED = -1  # the speeds table's km/h of a crossing without a speed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (
    camera TEXT NOT NULL,
    line TEXT NOT NULL,
    start REAL NOT NULL,
    interval_s REAL NOT NULL,
    class TEXT NOT NULL,
    direction TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (camera, line, start, class, direction)
);
CREATE TABLE IF NOT EXISTS speeds (
    camera TEXT NOT NULL,
    line TEXT NOT NULL,
    start REAL NOT NULL,
    interval_s REAL NOT NULL,
    class TEXT NOT NULL,
    direction TEXT NOT NULL,
    kmh INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum_kmh REAL NOT NULL,
    PRIMARY KEY (camera, line, start, class, direction, kmh)
);
CREATE TABLE IF NOT EXISTS movements (
    camera TEXT NOT NULL,
    line TEXT NOT NULL,
    start REAL NOT NULL,
    interval_s REAL NOT NULL,
    class TEXT NOT NULL,
    origin TEXT NOT NULL,
    direction TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (camera, line, start, class, origin, direction)
);
CREATE TABLE IF NOT EXISTS analysed (
    camera TEXT NOT NULL,
    start REAL NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (camera, start)
);
CREATE TABLE IF NOT EXISTS analysed_hourly (
    camera TEXT NOT NULL,
    start REAL NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (camera, start)
);
CREATE TABLE IF NOT EXISTS availability (
    component TEXT NOT NULL,
    start REAL NOT NULL,
    observed_s REAL NOT NULL,
    up_s REAL NOT NULL,
    PRIMARY KEY (component, start)
);
CREATE TABLE IF NOT EXISTS hand_checks (
    id INTEGER PRIMARY KEY,
    point TEXT NOT NULL,
    person TEXT NOT NULL,
    start REAL NOT NULL,
    end REAL NOT NULL,
    planned_s REAL NOT NULL,
    coverage REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS hand_checks_by_point ON hand_checks (point, end);
CREATE TABLE IF NOT EXISTS hand_check_counts (
    hand_check INTEGER NOT NULL REFERENCES hand_checks (id),
    class TEXT NOT NULL,
    direction TEXT NOT NULL,
    hand INTEGER NOT NULL,
    product INTEGER NOT NULL,
    PRIMARY KEY (hand_check, class, direction)
);
CREATE TABLE IF NOT EXISTS hand_check_sessions (
    person TEXT PRIMARY KEY,
    point TEXT NOT NULL,
    start REAL NOT NULL,
    planned_end REAL NOT NULL,
    seen_at REAL NOT NULL,
    served_by TEXT NOT NULL,
    stopped_at REAL
);
CREATE TABLE IF NOT EXISTS hand_check_taps (
    person TEXT NOT NULL REFERENCES hand_check_sessions (person),
    at REAL NOT NULL,
    class TEXT NOT NULL,
    direction TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS hand_check_taps_by_person ON hand_check_taps (person);
CREATE TABLE IF NOT EXISTS analysed_until (
    camera TEXT PRIMARY KEY,
    until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    camera TEXT NOT NULL,
    skill TEXT NOT NULL,
    start REAL NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (camera, skill, start)
);
"""

CrossingKey = tuple[str, str, float, float, str, str]  # camera, line, start, interval_s, class, direction
SpeedKey = tuple[str, str, float, float, str, str, int]  # ... category, direction, km/h (or NOT_MEASURED)
MovementKey = tuple[str, str, float, float, str, str, str]  # ... category, origin, direction


def bin_start(clock: float, bin_s: float) -> float:
    return (clock // bin_s) * bin_s


def split_span(start: float, end: float, bin_s: float) -> list[tuple[float, float]]:
    """(bin start, seconds of [start, end) in that bin), for each bin the span touches."""
    parts = []
    while start < end:
        first = bin_start(start, bin_s)
        until = min(end, first + bin_s)
        parts.append((first, until - start))
        start = until
    return parts


def _prepare(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)


@dataclass
class StatisticsBatch:
    """What the bridge gathered since its last commit; `commit` adds it to the store's totals."""

    crossings: Counter[CrossingKey] = field(default_factory=Counter)
    speeds: Counter[SpeedKey] = field(default_factory=Counter)
    speed_sums: defaultdict[SpeedKey, float] = field(default_factory=lambda: defaultdict(float))
    movements: Counter[MovementKey] = field(default_factory=Counter)
    # Seconds, kept as floats (a Counter's values are typed int): (camera, minute) -> s analysed,
    # (component, hour) -> s observed and s up.
    analysed: defaultdict[tuple[str, float], float] = field(default_factory=lambda: defaultdict(float))
    observed: defaultdict[tuple[str, float], float] = field(default_factory=lambda: defaultdict(float))
    up: defaultdict[tuple[str, float], float] = field(default_factory=lambda: defaultdict(float))
    alerts: Counter[tuple[str, str, float]] = field(default_factory=Counter)  # (camera, skill, hour)
    analysed_until: dict[str, float] = field(default_factory=dict)  # camera -> latest frame analysed

    def add_analysed(self, camera: str, start: float, end: float) -> None:
        for minute, seconds in split_span(start, end, ANALYSED_BIN_S):
            self.analysed[(camera, minute)] += seconds
        self.analysed_until[camera] = max(end, self.analysed_until.get(camera, end))

    def add_speed(self, key: CrossingKey, category: str, kmh: float | None) -> None:
        """A crossing of the interval `key` (its class aside) by a vehicle of `category`, its speed if
        measured."""
        camera, line, start, interval_s, _, direction = key
        speed_key = (
            camera,
            line,
            start,
            interval_s,
            category,
            direction,
            NOT_MEASURED if kmh is None else round(kmh),
        )
        self.speeds[speed_key] += 1
        self.speed_sums[speed_key] += kmh or 0.0

    def add_movement(self, key: CrossingKey, category: str, origin: str | None) -> None:
        camera, line, start, interval_s, _, direction = key
        self.movements[(camera, line, start, interval_s, category, origin or "", direction)] += 1

    def add_availability(self, component: str, start: float, end: float, up: bool) -> None:
        for hour, seconds in split_span(start, end, AVAILABILITY_BIN_S):
            self.observed[(component, hour)] += seconds
            if up:
                self.up[(component, hour)] += seconds

    def add_alert(self, camera: str, skill: str, at: float) -> None:
        self.alerts[(camera, skill, bin_start(at, ALERT_BIN_S))] += 1

    def merge(self, other: "StatisticsBatch") -> None:
        for mine, theirs in zip(self._tallies(), other._tallies(), strict=True):
            for key, amount in theirs.items():
                mine[key] += amount
        for camera, until in other.analysed_until.items():
            self.analysed_until[camera] = max(until, self.analysed_until.get(camera, until))

    def _tallies(self) -> tuple[dict[Any, Any], ...]:
        return (
            self.crossings,
            self.speeds,
            self.speed_sums,
            self.movements,
            self.analysed,
            self.observed,
            self.up,
            self.alerts,
        )

    def __bool__(self) -> bool:
        return any(self._tallies())


@dataclass(frozen=True)
class CountRow:
    start: float
    class_name: str
    direction: str
    count: int


@dataclass(frozen=True)
class SpeedRow:
    start: float
    category: str
    direction: str
    kmh: int  # rounded; NOT_MEASURED: crossings without a speed
    count: int
    sum_kmh: float


@dataclass(frozen=True)
class MovementRow:
    start: float
    category: str
    origin: str  # '' when the vehicle came from no origin line
    direction: str
    count: int


@dataclass(frozen=True)
class HandCheck:
    """A finished hand check of one counting point over [start, end)."""

    point_id: str
    person: str  # the box account that counted
    start: float
    end: float
    planned_s: float
    coverage: float  # share of the window the camera was analysed
    counts: tuple[tuple[str, str, int, int], ...]  # (category, direction, by hand, by the product)

    @property
    def short(self) -> bool:
        """Stopped before its planned length."""
        return self.end - self.start < self.planned_s


@dataclass(frozen=True)
class OpenHandCheck:
    """A hand check under way, as kept: its planned window, the person's taps and where they stand."""

    person: str
    point_id: str
    start: float
    planned_end: float
    seen_at: float  # the box's clock when it last served this check (a tap, a poll, a start)
    served_by: str  # the run of the box that did (a restarted box is another run)
    stopped_at: float | None  # the end chosen once stopped, while the product's counts are awaited
    taps: tuple[tuple[float, str, str], ...]  # (at, category, direction)


@dataclass(frozen=True)
class Availability:
    observed_s: float
    up_s: float


class StatisticsStore:
    def __init__(self, path: str | Path, health: StoreHealth | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        opened = open_checked("statistics", self.path, _prepare, health)
        self._db = opened.db
        self.moved_aside = opened.moved_aside

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def commit(self, batch: StatisticsBatch) -> None:
        """Add the batch to the totals, all of it or (on error) none of it."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT INTO counts VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                " (camera, line, start, class, direction) DO UPDATE SET count = count + excluded.count",
                [(*key, n) for key, n in batch.crossings.items()],
            )
            self._db.executemany(
                "INSERT INTO speeds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                " (camera, line, start, class, direction, kmh)"
                " DO UPDATE SET count = count + excluded.count, sum_kmh = sum_kmh + excluded.sum_kmh",
                [(*key, n, batch.speed_sums.get(key, 0.0)) for key, n in batch.speeds.items()],
            )
            self._db.executemany(
                "INSERT INTO movements VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                " (camera, line, start, class, origin, direction) DO UPDATE SET count = count + excluded.count",
                [(*key, n) for key, n in batch.movements.items()],
            )
            self._db.executemany(
                "INSERT INTO analysed VALUES (?, ?, ?) ON CONFLICT (camera, start)"
                " DO UPDATE SET seconds = seconds + excluded.seconds",
                [(*key, s) for key, s in batch.analysed.items()],
            )
            self._db.executemany(
                "INSERT INTO availability VALUES (?, ?, ?, ?) ON CONFLICT (component, start)"
                " DO UPDATE SET observed_s = observed_s + excluded.observed_s, up_s = up_s + excluded.up_s",
                [(*key, s, batch.up.get(key, 0.0)) for key, s in batch.observed.items()],
            )
            self._db.executemany(
                "INSERT INTO alerts VALUES (?, ?, ?, ?) ON CONFLICT (camera, skill, start)"
                " DO UPDATE SET count = count + excluded.count",
                [(*key, n) for key, n in batch.alerts.items()],
            )
            self._db.executemany(
                "INSERT INTO analysed_until VALUES (?, ?) ON CONFLICT (camera)"
                " DO UPDATE SET until = MAX(until, excluded.until)",
                batch.analysed_until.items(),
            )

    def analysed_until(self, camera: str) -> float | None:
        """Capture time of the camera's latest analysed frame committed; None before the first."""
        found = self._query("SELECT until FROM analysed_until WHERE camera = ?", (camera,))
        return found[0][0] if found else None

    def counts(self, camera: str, line: str, start: float, end: float) -> list[CountRow]:
        """The line's tallies of the intervals starting in [start, end), oldest first."""
        rows = self._query(
            "SELECT start, class, direction, count FROM counts WHERE camera = ? AND line = ?"
            " AND start >= ? AND start < ? ORDER BY start, class, direction",
            (camera, line, start, end),
        )
        return [CountRow(*row) for row in rows]

    def speeds(self, camera: str, line: str, start: float, end: float) -> list[SpeedRow]:
        """The line's crossings by category, direction and km/h, of the intervals starting in [start, end)."""
        rows = self._query(
            "SELECT start, class, direction, kmh, count, sum_kmh FROM speeds WHERE camera = ? AND line = ?"
            " AND start >= ? AND start < ? ORDER BY start, class, direction, kmh",
            (camera, line, start, end),
        )
        return [SpeedRow(*row) for row in rows]

    def movements(self, camera: str, line: str, start: float, end: float) -> list[MovementRow]:
        """The line's crossings by category, origin and direction, of the intervals starting in [start, end)."""
        rows = self._query(
            "SELECT start, class, origin, direction, count FROM movements WHERE camera = ? AND line = ?"
            " AND start >= ? AND start < ? ORDER BY start, class, origin, direction",
            (camera, line, start, end),
        )
        return [MovementRow(*row) for row in rows]

    def analysed(
        self, camera: str, start: float, end: float, bin_s: float = ANALYSED_BIN_S
    ) -> dict[float, float]:
        """Seconds analysed per UTC bin of `bin_s` (a multiple of a minute), of the minutes starting in
        [start, end). A rolled-up hour is spread evenly over its minutes."""
        analysed: Counter[float] = Counter()
        for minute, seconds in self._query(
            "SELECT start, seconds FROM analysed WHERE camera = ? AND start >= ? AND start < ?",
            (camera, start, end),
        ):
            analysed[bin_start(minute, bin_s)] += seconds
        for hour, seconds in self._query(
            "SELECT start, seconds FROM analysed_hourly WHERE camera = ? AND start > ? AND start < ?",
            (camera, start - ROLLED_UP_BIN_S, end),
        ):
            share = seconds / ROLLED_UP_BIN_S
            for first, length in split_span(max(hour, start), min(hour + ROLLED_UP_BIN_S, end), bin_s):
                analysed[first] += share * length
        return dict(analysed)

    def availability(self, start: float, end: float) -> dict[str, Availability]:
        rows = self._query(
            "SELECT component, SUM(observed_s), SUM(up_s) FROM availability WHERE start >= ? AND start < ?"
            " GROUP BY component ORDER BY component",
            (start, end),
        )
        return {row[0]: Availability(row[1], row[2]) for row in rows}

    def alerts(self, start: float, end: float) -> dict[tuple[str, str], int]:
        """Alerts raised per (camera, skill) in the hours starting in [start, end)."""
        rows = self._query(
            "SELECT camera, skill, SUM(count) FROM alerts WHERE start >= ? AND start < ?"
            " GROUP BY camera, skill ORDER BY camera, skill",
            (start, end),
        )
        return {(row[0], row[1]): row[2] for row in rows}

    def begin_hand_check(self, open_check: OpenHandCheck) -> None:
        """Keep a check under way, replacing any the person had (and its taps)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM hand_check_taps WHERE person = ?", (open_check.person,))
            self._db.execute(
                "INSERT OR REPLACE INTO hand_check_sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    open_check.person,
                    open_check.point_id,
                    open_check.start,
                    open_check.planned_end,
                    open_check.seen_at,
                    open_check.served_by,
                    open_check.stopped_at,
                ),
            )
            self._db.executemany(
                "INSERT INTO hand_check_taps VALUES (?, ?, ?, ?)",
                [(open_check.person, *tapped) for tapped in open_check.taps],
            )

    def open_hand_check(self, person: str) -> OpenHandCheck | None:
        found = self._query(
            "SELECT point, start, planned_end, seen_at, served_by, stopped_at FROM hand_check_sessions"
            " WHERE person = ?",
            (person,),
        )
        if not found:
            return None
        taps = self._query(
            "SELECT at, class, direction FROM hand_check_taps WHERE person = ? ORDER BY rowid", (person,)
        )
        point, start, planned_end, seen_at, served_by, stopped_at = found[0]
        return OpenHandCheck(
            person,
            point,
            start,
            planned_end,
            seen_at,
            served_by,
            stopped_at,
            tuple((a, c, d) for a, c, d in taps),
        )

    def add_hand_check_tap(self, person: str, at: float, category: str, direction: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO hand_check_taps VALUES (?, ?, ?, ?)", (person, at, category, direction)
            )
            self._db.execute("UPDATE hand_check_sessions SET seen_at = ? WHERE person = ?", (at, person))

    def undo_hand_check_tap(self, person: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM hand_check_taps WHERE rowid = (SELECT MAX(rowid) FROM hand_check_taps WHERE person = ?)",
                (person,),
            )

    def mark_hand_check(self, person: str, seen_at: float, served_by: str, stopped_at: float | None) -> None:
        """When and by which run of the box the check was last served, and where it stops (None: not
        stopped)."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE hand_check_sessions SET seen_at = ?, served_by = ?, stopped_at = ? WHERE person = ?",
                (seen_at, served_by, stopped_at, person),
            )

    def drop_hand_check(self, person: str) -> None:
        """Abandon the person's check under way, its taps with it."""
        with self._lock, self._db:
            self._drop_open(person)

    def _drop_open(self, person: str) -> None:
        self._db.execute("DELETE FROM hand_check_taps WHERE person = ?", (person,))
        self._db.execute("DELETE FROM hand_check_sessions WHERE person = ?", (person,))

    def add_hand_check(self, check: HandCheck) -> None:
        """Keep a finished check; the person's check under way ends with it."""
        with self._lock, self._db:
            self._drop_open(check.person)
            row = self._db.execute(
                "INSERT INTO hand_checks (point, person, start, end, planned_s, coverage)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (check.point_id, check.person, check.start, check.end, check.planned_s, check.coverage),
            )
            self._db.executemany(
                "INSERT INTO hand_check_counts VALUES (?, ?, ?, ?, ?)",
                [(row.lastrowid, *counted) for counted in check.counts],
            )

    def latest_hand_check(self, point_id: str, before: float) -> HandCheck | None:
        """The point's check that ended last by `before`; None when it has none."""
        found = self._query(
            "SELECT id, point, person, start, end, planned_s, coverage FROM hand_checks"
            " WHERE point = ? AND end <= ? ORDER BY end DESC, id DESC LIMIT 1",
            (point_id, before),
        )
        if not found:
            return None
        key, point, person, start, end, planned_s, coverage = found[0]
        counts = self._query(
            "SELECT class, direction, hand, product FROM hand_check_counts WHERE hand_check = ? ORDER BY rowid",
            (key,),
        )
        return HandCheck(
            point, person, start, end, planned_s, coverage, tuple((c, d, h, p) for c, d, h, p in counts)
        )

    def held(self, start: float, end: float) -> dict[str, int]:
        """Rows per table whose bin starts in [start, end): what a breach report counts."""
        held = dict.fromkeys(TABLES, 0)
        for table, stored in STORED_IN.items():
            for name in stored:
                sql = f"SELECT COUNT(*) FROM {name} WHERE start >= ? AND start < ?"
                held[table] += self._query(sql, (start, end))[0][0]
        return held

    def span(self) -> tuple[float, float] | None:
        """Start of the oldest bin and of the newest one held, in any table; None when empty."""
        held = [
            row
            for stored in STORED_IN.values()
            for table in stored
            for row in self._query(f"SELECT MIN(start), MAX(start) FROM {table}", ())
            if row[0] is not None
        ]
        if not held:
            return None
        return min(first for first, _ in held), max(last for _, last in held)

    def prune(self, before: float) -> int:
        """Delete everything of the bins that started before `before` (the retention); rows deleted."""
        deleted = 0
        with self._lock, self._db:
            for stored in STORED_IN.values():
                for table in stored:
                    deleted += self._db.execute(f"DELETE FROM {table} WHERE start < ?", (before,)).rowcount
            deleted += self._db.execute(
                "DELETE FROM hand_check_counts WHERE hand_check IN (SELECT id FROM hand_checks WHERE start < ?)",
                (before,),
            ).rowcount
            deleted += self._db.execute("DELETE FROM hand_checks WHERE start < ?", (before,)).rowcount
            deleted += self._db.execute(
                "DELETE FROM hand_check_taps WHERE person IN (SELECT person FROM hand_check_sessions WHERE start < ?)",
                (before,),
            ).rowcount
            deleted += self._db.execute("DELETE FROM hand_check_sessions WHERE start < ?", (before,)).rowcount
        return deleted

    def roll_up(self, before: float) -> int:
        """Merge the analysed minutes of the hours that ended by `before` into hourly rows, adding to an
        hour already rolled up; minute rows removed. A store holds a row per camera and hour past it."""
        cutoff = bin_start(before, ROLLED_UP_BIN_S)
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO analysed_hourly SELECT camera, start - start % ?, SUM(seconds) FROM analysed"
                " WHERE start < ? GROUP BY 1, 2 ORDER BY 1, 2 ON CONFLICT (camera, start)"
                " DO UPDATE SET seconds = seconds + excluded.seconds",
                (ROLLED_UP_BIN_S, cutoff),
            )
            return self._db.execute("DELETE FROM analysed WHERE start < ?", (cutoff,)).rowcount

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()
