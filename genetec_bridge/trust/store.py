"""The trust store (SQLite): each skill's current mode per camera, its alerts with their evidence, and
the verdict on each.

The mode lives here, not in the config, so that a promotion or a demotion survives restarts; the config
only gives a skill's first mode. An alert is stored as its analytics event (track positions, time, zone
or line, dwell, class, confidence threshold): no image. One verdict per alert, the latest: a reviewer
may overrule an operator's acknowledgement; the audit trail keeps every one. The verdict a new one
replaced is kept beside it (`replaced_verdicts`), so that taking the new one back (`take_back_verdict`,
the review page's undo) puts the earlier one back, in the same transaction. Thread-safe, and shared
by the bridge and the `genetec-bridge trust` command (WAL: readers never block the writer). A damaged
file is moved aside at open and a fresh store started (durable_sqlite.py's `open_checked`): the skills
start again from the config's modes, and the bridge keeps raising alerts.
"""

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.events import AnalyticsEvent
from analytics.skills.base import Mode
from genetec_bridge.durable_sqlite import open_checked
from genetec_bridge.store_health import StoreHealth
from genetec_bridge.trust.verdicts import FalseReason, Verdict, VerdictRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS modes (
    camera TEXT NOT NULL,
    skill TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('shadow', 'live')),
    since REAL NOT NULL,
    changed_by TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (camera, skill)
);
CREATE TABLE IF NOT EXISTS alerts (
    event_id TEXT PRIMARY KEY,
    camera TEXT NOT NULL,
    skill TEXT NOT NULL,
    mode TEXT NOT NULL,
    occurred_at REAL NOT NULL,
    recorded_at REAL NOT NULL,
    event_json TEXT NOT NULL,
    bookmark_text TEXT
);
CREATE INDEX IF NOT EXISTS alerts_by_skill ON alerts (camera, skill, occurred_at);
CREATE TABLE IF NOT EXISTS verdicts (
    event_id TEXT PRIMARY KEY REFERENCES alerts (event_id),
    verdict TEXT NOT NULL CHECK (verdict IN ('true', 'false', 'cannot_tell')),
    reason TEXT,
    note TEXT,
    reviewer TEXT NOT NULL,
    source TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS replaced_verdicts (
    event_id TEXT PRIMARY KEY REFERENCES alerts (event_id),
    verdict TEXT NOT NULL,
    reason TEXT,
    note TEXT,
    reviewer TEXT NOT NULL,
    source TEXT NOT NULL,
    at REAL NOT NULL
);
"""
_VERDICT_COLUMNS = "event_id, verdict, reason, note, reviewer, source, at"
_ALERT_COLUMNS = (
    "a.event_id, a.camera, a.skill, a.mode, a.occurred_at, a.event_json, a.bookmark_text,"
    " v.verdict, v.reason, v.note, v.reviewer, v.source, v.at"
)


@dataclass(frozen=True, slots=True)
class ModeState:
    camera: str
    skill: str
    mode: Mode
    since: datetime
    changed_by: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class StoredAlert:
    event: AnalyticsEvent
    mode: Mode
    """The skill's mode when the alert was raised: a shadow alert never reached an operator."""
    occurred_at: datetime
    bookmark_text: str | None
    """The bookmark added in Security Center for it, if the routing asked for one."""
    verdict: VerdictRecord | None


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the figures need of an alert, without its evidence."""

    occurred_at: datetime
    mode: Mode
    verdict: Verdict | None


@dataclass(frozen=True, slots=True)
class PrunedTrust:
    alerts: int
    verdicts: int


@dataclass(frozen=True, slots=True)
class TrustHeld:
    alerts: int
    verdicts: int
    reviewers: list[str]


def _prepare(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class TrustStore:
    def __init__(
        self, path: str | Path, clock: Callable[[], float] = time.time, health: StoreHealth | None = None
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        opened = open_checked("trust", Path(path), _prepare, health, clock=clock)
        self._db = opened.db
        self.moved_aside = opened.moved_aside
        # Prunes made through this store: whoever keeps counts of its alerts counts them again.
        self.prunes = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- modes -------------------------------------------------------------------------------------

    def mode(self, camera: str, skill: str) -> ModeState | None:
        with self._lock:
            row = self._db.execute(
                "SELECT camera, skill, mode, since, changed_by, reason FROM modes WHERE camera = ? AND skill = ?",
                (camera, skill),
            ).fetchone()
        return ModeState(row[0], row[1], row[2], _utc(row[3]), row[4], row[5]) if row else None

    def initialise_mode(
        self, camera: str, skill: str, mode: Mode, changed_by: str = "config", reason: str | None = None
    ) -> tuple[ModeState, bool]:
        """The stored mode; the first `mode` is stored if there is none. True when it was."""
        with self._lock, self._db:
            created = self._db.execute(
                "INSERT OR IGNORE INTO modes (camera, skill, mode, since, changed_by, reason) VALUES (?, ?, ?, ?, ?, ?)",
                (camera, skill, mode, self._clock(), changed_by, reason),
            ).rowcount
        state = self.mode(camera, skill)
        assert state is not None
        return state, bool(created)

    def set_mode(self, camera: str, skill: str, mode: Mode, changed_by: str, reason: str | None) -> ModeState:
        now = self._clock()
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO modes (camera, skill, mode, since, changed_by, reason)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (camera, skill, mode, now, changed_by, reason),
            )
        return ModeState(camera, skill, mode, _utc(now), changed_by, reason)

    # -- alerts and verdicts -----------------------------------------------------------------------

    def add_alert(self, event: AnalyticsEvent, mode: Mode, bookmark_text: str | None) -> bool:
        """Keep the alert for review; False when it was already there (same event id)."""
        now = self._clock()
        # Offline events have no capture time: they are dated when the bridge received them.
        occurred = event.timestamp.timestamp() if event.timestamp is not None else now
        with self._lock, self._db:
            return bool(
                self._db.execute(
                    "INSERT OR IGNORE INTO alerts (event_id, camera, skill, mode, occurred_at, recorded_at,"
                    " event_json, bookmark_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        event.id,
                        event.camera,
                        event.skill,
                        mode,
                        occurred,
                        now,
                        event.to_json(),
                        bookmark_text,
                    ),
                ).rowcount
            )

    def set_verdict(self, record: VerdictRecord) -> bool:
        """Store the alert's verdict, replacing an earlier one (kept for `take_back_verdict`); False when
        the alert is unknown."""
        with self._lock, self._db:
            self._db.execute(
                f"INSERT OR REPLACE INTO replaced_verdicts ({_VERDICT_COLUMNS})"
                f" SELECT {_VERDICT_COLUMNS} FROM verdicts WHERE event_id = ?",
                (record.event_id,),
            )
            return bool(
                self._db.execute(
                    "INSERT OR REPLACE INTO verdicts (event_id, verdict, reason, note, reviewer, source, at)"
                    " SELECT event_id, ?, ?, ?, ?, ?, ? FROM alerts WHERE event_id = ?",
                    (
                        record.verdict.value,
                        record.reason.value if record.reason else None,
                        record.note,
                        record.reviewer,
                        record.source,
                        record.at.timestamp(),
                        record.event_id,
                    ),
                ).rowcount
            )

    def take_back_verdict(self, event_id: str) -> VerdictRecord | None:
        """Remove the alert's verdict and put back the one it replaced, if any; the verdict now standing
        (None: the alert waits for review again)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM verdicts WHERE event_id = ?", (event_id,))
            self._db.execute(
                f"INSERT INTO verdicts ({_VERDICT_COLUMNS})"
                f" SELECT {_VERDICT_COLUMNS} FROM replaced_verdicts WHERE event_id = ?",
                (event_id,),
            )
            self._db.execute("DELETE FROM replaced_verdicts WHERE event_id = ?", (event_id,))
        alert = self.alert(event_id)
        return alert.verdict if alert else None

    def alert(self, event_id: str) -> StoredAlert | None:
        rows = self._alerts("WHERE a.event_id = ?", (event_id,))
        return rows[0] if rows else None

    def alerts(
        self,
        camera: str | None = None,
        skill: str | None = None,
        unjudged_only: bool = False,
        limit: int | None = None,
        newest_first: bool = False,
        judged_only: bool = False,
        since: float | None = None,
        until: float | None = None,
    ) -> list[StoredAlert]:
        """Alerts in time order, with their verdict, filtered by camera, skill, verdict or none, and
        occurrence in [since, until) (epoch seconds) when given."""
        clauses: list[str] = []
        params: list[Any] = []
        for clause, value in (
            ("a.camera = ?", camera),
            ("a.skill = ?", skill),
            ("a.occurred_at >= ?", since),
            ("a.occurred_at < ?", until),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if unjudged_only:
            clauses.append("v.event_id IS NULL")
        if judged_only:
            clauses.append("v.event_id IS NOT NULL")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = (
            " ORDER BY a.occurred_at DESC, a.rowid DESC"
            if newest_first
            else " ORDER BY a.occurred_at, a.rowid"
        )
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return self._alerts(where + order + tail, tuple(params))

    def modes(self) -> dict[tuple[str, str], Mode]:
        """Every stored mode by (camera, skill)."""
        with self._lock:
            rows = self._db.execute("SELECT camera, skill, mode FROM modes").fetchall()
        return {(row[0], row[1]): row[2] for row in rows}

    def alert_counts(self, after: int = 0) -> tuple[int, dict[tuple[str, str], tuple[int, int]]]:
        """(alerts, live alerts) per (camera, skill) among the alerts stored after row `after`, and the
        last row counted: a caller keeping counts reads only the rows added since it last asked (NOT
        INDEXED: the table's rowid range, not the per-skill index that would read every row)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT camera, skill, count(*), sum(mode = 'live'), max(rowid) FROM alerts NOT INDEXED WHERE rowid > ?"
                " GROUP BY camera, skill",
                (after,),
            ).fetchall()
        last = max((int(row[4]) for row in rows), default=after)
        return last, {(row[0], row[1]): (int(row[2]), int(row[3] or 0)) for row in rows}

    def verdict_counts(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        """(true, false, cannot tell) verdicts per (camera, skill), in one query over the verdicts (far
        fewer than the alerts: CROSS JOIN keeps them the outer loop)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.camera, a.skill, sum(v.verdict = 'true'), sum(v.verdict = 'false'),"
                " sum(v.verdict = 'cannot_tell') FROM verdicts v CROSS JOIN alerts a ON a.event_id = v.event_id"
                " GROUP BY a.camera, a.skill"
            ).fetchall()
        return {(row[0], row[1]): (int(row[2] or 0), int(row[3] or 0), int(row[4] or 0)) for row in rows}

    def judgements(self, camera: str, skill: str) -> list[Judgement]:
        """The skill's alerts in time order, reduced to what the figures count."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.occurred_at, a.mode, v.verdict FROM alerts a LEFT JOIN verdicts v USING (event_id)"
                " WHERE a.camera = ? AND a.skill = ? ORDER BY a.occurred_at, a.rowid",
                (camera, skill),
            ).fetchall()
        return [Judgement(_utc(row[0]), row[1], Verdict(row[2]) if row[2] else None) for row in rows]

    # -- retention and inventory -------------------------------------------------------------------

    def prune(self, before: float) -> PrunedTrust:
        """Delete the alerts that occurred before `before` (epoch seconds) with their verdicts.

        The modes stay: they are configuration (which skill is live), not personal data."""
        with self._lock, self._db:
            verdicts = self._db.execute(
                "DELETE FROM verdicts WHERE event_id IN (SELECT event_id FROM alerts WHERE occurred_at < ?)",
                (before,),
            ).rowcount
            self._db.execute(
                "DELETE FROM replaced_verdicts WHERE event_id IN"
                " (SELECT event_id FROM alerts WHERE occurred_at < ?)",
                (before,),
            )
            alerts = self._db.execute("DELETE FROM alerts WHERE occurred_at < ?", (before,)).rowcount
            self.prunes += 1
        return PrunedTrust(alerts, verdicts)

    def held(self, start: float, end: float) -> TrustHeld:
        """Alerts that occurred in [start, end), verdicts given in it, and the reviewers who gave them."""
        with self._lock:
            alerts = self._db.execute(
                "SELECT count(*) FROM alerts WHERE occurred_at >= ? AND occurred_at < ?", (start, end)
            ).fetchone()[0]
            rows = self._db.execute(
                "SELECT reviewer, count(*) FROM verdicts WHERE at >= ? AND at < ? GROUP BY reviewer ORDER BY 1",
                (start, end),
            ).fetchall()
        return TrustHeld(alerts, sum(row[1] for row in rows), [row[0] for row in rows])

    def skills(self) -> list[tuple[str, str]]:
        """Every (camera, skill) with a mode or an alert here, sorted."""
        with self._lock:
            rows = self._db.execute(
                "SELECT camera, skill FROM modes UNION SELECT camera, skill FROM alerts ORDER BY 1, 2"
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def _alerts(self, tail: str, params: tuple[Any, ...]) -> list[StoredAlert]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ALERT_COLUMNS} FROM alerts a LEFT JOIN verdicts v USING (event_id) {tail}", params
            ).fetchall()
        return [
            StoredAlert(
                event=AnalyticsEvent.model_validate_json(row[5]),
                mode=row[3],
                occurred_at=_utc(row[4]),
                bookmark_text=row[6],
                verdict=None
                if row[7] is None
                else VerdictRecord(
                    event_id=row[0],
                    verdict=Verdict(row[7]),
                    reason=FalseReason(row[8]) if row[8] else None,
                    note=row[9],
                    reviewer=row[10],
                    source=row[11],
                    at=_utc(row[12]),
                ),
            )
            for row in rows
        ]


@contextmanager
def existing_trust_store(path: Path) -> Iterator[TrustStore | None]:
    """The store at `path`, closed at the end, or None where there is none: readers never create one."""
    if not path.is_file():
        yield None
        return
    store = TrustStore(path)
    try:
        yield store
    finally:
        store.close()
