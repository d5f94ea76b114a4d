"""The durable outbox: every event to deliver is committed here (WAL, fsync) before anything is sent.

Insertion is idempotent by event id. Each action's completion is committed separately, so after a crash
only the actions not yet confirmed are sent again. Before each send the action is marked `sending`:
after a crash that mark tells the next process it may be about to send a duplicate (see service.py).
Thread-safe: the delivery service calls it from worker threads so fsyncs never block the event loop.
"""

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analytics.events import AnalyticsEvent

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    camera TEXT NOT NULL,
    event_json TEXT NOT NULL,
    actions_json TEXT NOT NULL,
    enqueued_at REAL NOT NULL,
    delivered_at REAL,
    rejected_at REAL,
    sending TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    rejections INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS pending_by_camera ON events (camera, seq)
    WHERE delivered_at IS NULL AND rejected_at IS NULL;
CREATE TABLE IF NOT EXISTS actions_done (
    event_id TEXT NOT NULL,
    action TEXT NOT NULL,
    done_at REAL NOT NULL,
    PRIMARY KEY (event_id, action)
);
"""
_PENDING = "delivered_at IS NULL AND rejected_at IS NULL"


@dataclass(frozen=True)
class PendingEvent:
    seq: int
    event_id: str
    camera: str
    event_json: str
    actions: list[dict[str, Any]]
    done: frozenset[str]
    sending: str | None
    rejections: int

    def remaining(self) -> list[dict[str, Any]]:
        return [action for action in self.actions if action["action"] not in self.done]


@dataclass(frozen=True)
class OutboxStats:
    produced: int
    delivered: int
    pending: int
    rejected: int
    oldest_pending_enqueued_at: float | None


class Outbox:
    def __init__(self, path: str | Path, clock: Any = time.time) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30.0)
        # WAL + synchronous=FULL: a commit is on disk (fsync) before it returns, and readers (status,
        # the maintenance tool) never block the writer.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        with self._lock, self._db:
            return self._db.execute(sql, params).rowcount

    def add(self, event: AnalyticsEvent, actions: list[dict[str, Any]]) -> bool:
        """Store the event with its actions; False when it was already there (same id) or has none."""
        if not actions:
            return False
        return bool(
            self._write(
                "INSERT OR IGNORE INTO events (event_id, camera, event_json, actions_json, enqueued_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (event.id, event.camera, event.to_json(), json.dumps(actions), self._clock()),
            )
        )

    def cameras_pending(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(f"SELECT DISTINCT camera FROM events WHERE {_PENDING}").fetchall()
        return [row[0] for row in rows]

    def next_pending(self, camera: str) -> PendingEvent | None:
        """The oldest undelivered event of the camera: delivery is in order per camera."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq, event_id, camera, event_json, actions_json, sending, rejections FROM events"
                f" WHERE camera = ? AND {_PENDING} ORDER BY seq LIMIT 1",
                (camera,),
            ).fetchone()
            if row is None:
                return None
            done = self._db.execute(
                "SELECT action FROM actions_done WHERE event_id = ?", (row[1],)
            ).fetchall()
        return PendingEvent(
            row[0], row[1], row[2], row[3], json.loads(row[4]), frozenset(d[0] for d in done), row[5], row[6]
        )

    def mark_sending(self, event_id: str, action: str) -> None:
        self._write(
            "UPDATE events SET sending = ?, attempts = attempts + 1 WHERE event_id = ?", (action, event_id)
        )

    def mark_action_done(self, event_id: str, action: str) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO actions_done (event_id, action, done_at) VALUES (?, ?, ?)",
                (event_id, action, self._clock()),
            )
            self._db.execute("UPDATE events SET sending = NULL WHERE event_id = ?", (event_id,))

    def mark_delivered(self, event_id: str) -> None:
        self._write(
            "UPDATE events SET delivered_at = ?, last_error = NULL WHERE event_id = ?",
            (self._clock(), event_id),
        )

    def mark_error(self, event_id: str, error: str, rejected: bool) -> int:
        """Record a failed attempt; a rejection (Fail answer) is counted. Returns the rejection count."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE events SET sending = NULL, last_error = ?, rejections = rejections + ? WHERE event_id = ?",
                (error, int(rejected), event_id),
            )
            row = self._db.execute("SELECT rejections FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return int(row[0]) if row else 0

    def park(self, event_id: str) -> None:
        """Stop retrying an event Security Center keeps refusing; it stays here, visible, never deleted."""
        self._write("UPDATE events SET rejected_at = ? WHERE event_id = ?", (self._clock(), event_id))

    def requeue_rejected(self) -> int:
        return self._write(
            "UPDATE events SET rejected_at = NULL, rejections = 0 WHERE rejected_at IS NOT NULL", ()
        )

    def stats(self) -> OutboxStats:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*), COUNT(delivered_at), COUNT(rejected_at),"
                f" SUM({_PENDING}), MIN(CASE WHEN {_PENDING} THEN enqueued_at END) FROM events"
            ).fetchone()
        return OutboxStats(int(row[0]), int(row[1]), int(row[3] or 0), int(row[2]), row[4])

    def delivered_ids(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id FROM events WHERE delivered_at IS NOT NULL ORDER BY seq"
            ).fetchall()
        return [row[0] for row in rows]
