"""The durable outbox: every event to deliver is committed here (WAL, fsync) before anything is sent.

Insertion is idempotent by event id. Each action's completion is committed separately, so after a crash
only the actions not yet confirmed are sent again. Triggered alarms are kept, with their instance id, so
operator acknowledgements can be matched to the event (alarm_acknowledgements.py). Before each send the
action is marked `sending` and its `doubt` (requests that may have reached Security Center without an
answer) goes up by one; a request proven not to have arrived takes it back down, an answer clears it.
So after a crash or an unanswered request, `doubt` says how many copies Security Center may already
have (see service.py). Each event has a lane (lanes.py): alerts are delivered before statistics.
Events that cannot be delivered are parked (`rejected_at`) with their reason in `last_error`.
Thread-safe: the delivery service calls it from worker threads so fsyncs never block the event loop.

One deliverer per outbox: whoever runs the delivery loop first claims it (`claim_delivery`), an exclusive
`flock` on `<outbox>.lock` held until `close()`, or until the process ends (the system releases it after
a crash or a kill, so a claim is never left stale). The lock file names its holder (what it is, its pid,
since when) for the one refused. Two deliverers would each send the same pending event. Other processes
may still open the outbox and change rows (store events, list, requeue or prune parked events): each
change is one SQLite transaction, and the deliverer reads the rows afresh for every event it sends.

A file SQLite cannot read at start (not a database, malformed) is renamed `<name>.corrupt-<UTC time>`
with a log line and reported to the bridge's store health, and a fresh outbox is started: the bridge keeps
running (durable_sqlite.py's `open_checked`, shared with the other stores). Other SQLite errors (disk
full, database locked) are raised to the caller, which keeps what it was storing and retries.

Retention (privacy by design): `prune` deletes delivered and rejected events, with their actions and
alarm rows, once older than their retention; pending events are never deleted. What the counters need of
the deleted rows (events delivered and refused, alarms triggered and acknowledged) is added to `pruned`
and `pruned_alarms` in the same transaction, so the totals never go down, across restarts too. SQLite
keeps the freed pages and reuses them for new events: the file stays about the size of one retention
window of traffic, with no vacuum to run and no change to existing files.
"""

import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analytics.events import AnalyticsEvent
from genetec_bridge.delivery.lanes import lane_of
from genetec_bridge.durable_sqlite import open_checked
from genetec_bridge.health.status import AlarmResponses, ParkedEvent
from genetec_bridge.store_health import StoreHealth

log = logging.getLogger(__name__)

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
    last_error TEXT,
    lane INTEGER NOT NULL DEFAULT 0,
    doubt INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS actions_done (
    event_id TEXT NOT NULL,
    action TEXT NOT NULL,
    done_at REAL NOT NULL,
    PRIMARY KEY (event_id, action)
);
CREATE TABLE IF NOT EXISTS alarms (
    event_id TEXT PRIMARY KEY,
    camera TEXT NOT NULL,
    skill TEXT NOT NULL,
    instance_id INTEGER UNIQUE,
    triggered_at REAL NOT NULL,
    acknowledged_at REAL,
    ack_type TEXT
);
CREATE TABLE IF NOT EXISTS pruned (
    delivered INTEGER NOT NULL,
    rejected INTEGER NOT NULL
);
INSERT INTO pruned SELECT 0, 0 WHERE NOT EXISTS (SELECT 1 FROM pruned);
CREATE TABLE IF NOT EXISTS pruned_alarms (
    camera TEXT NOT NULL,
    skill TEXT NOT NULL,
    triggered INTEGER NOT NULL,
    acknowledged INTEGER NOT NULL,
    acknowledgement_delay_s_sum REAL NOT NULL,
    PRIMARY KEY (camera, skill)
);
"""
# Columns added after the first release, added to older files when they are opened.
_ADDED_COLUMNS = {"lane": "INTEGER NOT NULL DEFAULT 0", "doubt": "INTEGER NOT NULL DEFAULT 0"}
_INDEXES = """
DROP INDEX IF EXISTS pending_by_camera;
CREATE INDEX IF NOT EXISTS pending_by_lane ON events (camera, lane, seq)
    WHERE delivered_at IS NULL AND rejected_at IS NULL;
"""
_PENDING = "delivered_at IS NULL AND rejected_at IS NULL"
# The events `prune` deletes; parameters: the delivered and the rejected cut-off times.
_EXPIRED = "delivered_at < ? OR (delivered_at IS NULL AND rejected_at < ?)"


def _prepare(db: sqlite3.Connection) -> None:
    """The schema, with the columns and indexes added since the first outboxes."""
    db.executescript(_SCHEMA)
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    with db:
        for name, definition in _ADDED_COLUMNS.items():
            if name not in columns:
                db.execute(f"ALTER TABLE events ADD COLUMN {name} {definition}")
        if "doubt" not in columns:
            # Written before `doubt` existed: a `sending` mark is one request that got no answer.
            db.execute("UPDATE events SET doubt = 1 WHERE sending IS NOT NULL")
    db.executescript(_INDEXES)


def delivery_lock_path(outbox_path: Path) -> Path:
    """The file whose lock makes one process the outbox's deliverer (see the module docstring)."""
    return outbox_path.with_name(f"{outbox_path.name}.lock")


class DeliveryClaimed(Exception):
    """Another process delivers this outbox; the message says who, as the holder wrote it."""

    def __init__(self, lock_path: Path, holder: str) -> None:
        self.lock_path = lock_path
        self.holder = holder
        super().__init__(f"{holder or 'another process'} delivers this outbox (lock {lock_path})")


@dataclass(frozen=True, slots=True)
class EventState:
    """Where one event stands in the outbox."""

    event_id: str
    delivered: bool
    parked: bool
    rejections: int
    last_error: str | None


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
    lane: int = 0
    doubt: int = 0

    def remaining(self) -> list[dict[str, Any]]:
        return [action for action in self.actions if action["action"] not in self.done]


@dataclass(frozen=True)
class AcknowledgedAlarm:
    instance_id: int
    event_id: str
    event_json: str
    delay_s: float
    ack_type: str | None


@dataclass(frozen=True)
class Pruned:
    delivered: int
    rejected: int


@dataclass(frozen=True)
class OutboxStats:
    produced: int
    delivered: int
    pending: int
    rejected: int
    oldest_pending_enqueued_at: float | None


class Outbox:
    def __init__(
        self,
        path: str | Path,
        clock: Any = time.time,
        busy_timeout_s: float = 30.0,
        health: StoreHealth | None = None,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self.lock_path = delivery_lock_path(self.path)
        self._claim: int | None = None  # the lock file's descriptor while this outbox delivers
        opened = open_checked("outbox", self.path, _prepare, health, busy_timeout_s, clock)
        self._db = opened.db
        self.moved_aside = opened.moved_aside

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._claim is not None:
                os.close(self._claim)  # closing the descriptor releases the flock
                self._claim = None

    def claim_delivery(self, holder: str) -> None:
        """Become the outbox's only deliverer (see the module docstring); nothing to do when this outbox
        already is. `holder` says who delivers (a process name), for the message of the one refused.
        Raises DeliveryClaimed when another process holds the claim."""
        with self._lock:
            if self._claim is not None:
                return
            descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                with os.fdopen(descriptor, encoding="utf-8", errors="replace") as lock_file:
                    raise DeliveryClaimed(self.lock_path, lock_file.read().strip()) from None
            except OSError:
                os.close(descriptor)
                raise
            self._claim = descriptor
            since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            try:
                os.ftruncate(descriptor, 0)
                os.pwrite(descriptor, f"{holder} (pid {os.getpid()}, since {since})\n".encode(), 0)
            except OSError as error:
                # The claim holds all the same; only the name shown to a second deliverer is missing.
                log.warning("outbox lock %s: could not write who holds it (%s)", self.lock_path, error)

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        with self._lock, self._db:
            return self._db.execute(sql, params).rowcount

    def add(self, event: AnalyticsEvent, actions: list[dict[str, Any]]) -> bool:
        """Store the event with its actions; False when it was already there (same id) or has none."""
        return self.add_many([(event, actions)]) == [True]

    def add_many(self, planned: list[tuple[AnalyticsEvent, list[dict[str, Any]]]]) -> list[bool]:
        """Store events with their actions in one transaction (one disk flush for a frame's events);
        for each, False when it was already there (same id) or has no action."""
        added = []
        with self._lock, self._db:
            for event, actions in planned:
                added.append(
                    bool(actions)
                    and self._db.execute(
                        "INSERT OR IGNORE INTO events (event_id, camera, event_json, actions_json,"
                        " enqueued_at, lane) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            event.id,
                            event.camera,
                            event.to_json(),
                            json.dumps(actions),
                            self._clock(),
                            lane_of(event),
                        ),
                    ).rowcount
                    == 1
                )
        return added

    def cameras_pending(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(f"SELECT DISTINCT camera FROM events WHERE {_PENDING}").fetchall()
        return [row[0] for row in rows]

    def next_pending(self, camera: str) -> PendingEvent | None:
        """The oldest undelivered event of the camera's first lane that has one: alerts before statistics,
        in order within a lane."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq, event_id, camera, event_json, actions_json, sending, rejections, lane, doubt"
                f" FROM events WHERE camera = ? AND {_PENDING} ORDER BY lane, seq LIMIT 1",
                (camera,),
            ).fetchone()
            if row is None:
                return None
            done = self._db.execute(
                "SELECT action FROM actions_done WHERE event_id = ?", (row[1],)
            ).fetchall()
        return PendingEvent(
            row[0],
            row[1],
            row[2],
            row[3],
            json.loads(row[4]),
            frozenset(d[0] for d in done),
            row[5],
            row[6],
            row[7],
            row[8],
        )

    def mark_sending(self, event_id: str, action: str) -> None:
        """Before a request: one more copy of `action` may reach Security Center."""
        self._write(
            "UPDATE events SET doubt = CASE WHEN sending = ? THEN doubt + 1 ELSE 1 END, sending = ?,"
            " attempts = attempts + 1 WHERE event_id = ?",
            (action, action, event_id),
        )

    def mark_action_done(self, event_id: str, action: str, alarm_instance: int | None = None) -> None:
        """For an alarm, `alarm_instance` is what TriggerAlarm returned (None when the server gave none)."""
        now = self._clock()
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO actions_done (event_id, action, done_at) VALUES (?, ?, ?)",
                (event_id, action, now),
            )
            if action == "alarm":
                # Same transaction as `done`: a confirmed alarm never lacks its instance id. REPLACE: a
                # re-sent trigger (see service.py) made a new instance, the one operators will answer.
                self._db.execute(
                    "INSERT OR REPLACE INTO alarms (event_id, camera, skill, instance_id, triggered_at)"
                    " SELECT event_id, camera, json_extract(event_json, '$.skill'), ?, ? FROM events"
                    " WHERE event_id = ?",
                    (alarm_instance, now, event_id),
                )
            self._db.execute("UPDATE events SET sending = NULL, doubt = 0 WHERE event_id = ?", (event_id,))

    def mark_delivered(self, event_id: str) -> None:
        self._write(
            "UPDATE events SET delivered_at = ?, last_error = NULL WHERE event_id = ?",
            (self._clock(), event_id),
        )

    def mark_error(self, event_id: str, error: str, rejected: bool) -> int:
        """Record an attempt that did nothing in Security Center (not sent, or refused: `rejected`, counted).
        Earlier unanswered copies stay in doubt. Returns the rejection count."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE events SET sending = CASE WHEN doubt > 1 THEN sending END, doubt = MAX(doubt - 1, 0),"
                " last_error = ?, rejections = rejections + ? WHERE event_id = ?",
                (error, int(rejected), event_id),
            )
            row = self._db.execute("SELECT rejections FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return int(row[0]) if row else 0

    def acknowledge_alarm(self, instance_id: int, ack_type: str | None) -> AcknowledgedAlarm | None:
        """Record an operator's acknowledgement; None when the alarm is not ours or already acknowledged."""
        now = self._clock()
        with self._lock, self._db:
            updated = self._db.execute(
                "UPDATE alarms SET acknowledged_at = ?, ack_type = ?"
                " WHERE instance_id = ? AND acknowledged_at IS NULL",
                (now, ack_type, instance_id),
            ).rowcount
            if not updated:
                return None
            row = self._db.execute(
                "SELECT alarms.event_id, event_json, triggered_at FROM alarms"
                " JOIN events USING (event_id) WHERE instance_id = ?",
                (instance_id,),
            ).fetchone()
        return AcknowledgedAlarm(instance_id, row[0], row[1], now - row[2], ack_type)

    def alarm_responses(self) -> list[AlarmResponses]:
        """Per camera and skill, since the outbox was created: pruned alarms stay counted."""
        with self._lock:
            rows = self._db.execute(
                "SELECT camera, skill, SUM(triggered), SUM(acknowledged), TOTAL(delay) FROM ("
                " SELECT camera, skill, COUNT(*) AS triggered, COUNT(acknowledged_at) AS acknowledged,"
                " TOTAL(acknowledged_at - triggered_at) AS delay FROM alarms GROUP BY camera, skill"
                " UNION ALL SELECT camera, skill, triggered, acknowledged, acknowledgement_delay_s_sum"
                " FROM pruned_alarms) GROUP BY camera, skill ORDER BY camera, skill"
            ).fetchall()
        return [
            AlarmResponses(
                camera_id=row[0],
                skill=row[1],
                triggered=row[2],
                acknowledged=row[3],
                acknowledgement_delay_s_sum=row[4],
            )
            for row in rows
        ]

    def mark_in_doubt(self, event_id: str, error: str) -> None:
        """Record an attempt that got no usable answer: its copy stays counted in `doubt`."""
        self._write("UPDATE events SET last_error = ? WHERE event_id = ?", (error, event_id))

    def park(self, event_id: str, reason: str | None = None) -> None:
        """Stop retrying an event that cannot be delivered; it stays here, visible, until pruned.
        `reason` replaces the last error when given."""
        self._write(
            "UPDATE events SET rejected_at = ?, last_error = COALESCE(?, last_error) WHERE event_id = ?",
            (self._clock(), reason, event_id),
        )

    def parked(self, limit: int = 100) -> list[ParkedEvent]:
        """The events parked now, most recent first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, camera, last_error, rejected_at FROM events"
                " WHERE rejected_at IS NOT NULL ORDER BY rejected_at DESC, seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            ParkedEvent(event_id=row[0], camera_id=row[1], reason=row[2] or "", parked_at=row[3])
            for row in rows
        ]

    def requeue_rejected(self, event_ids: list[str] | None = None) -> int:
        """Put parked events (all, or those listed) back in the queue. Their unanswered copies are
        forgotten: a person who requeues has checked Security Center, or accepts a second copy."""
        only = f" AND event_id IN ({','.join('?' * len(event_ids))})" if event_ids else ""
        return self._write(
            "UPDATE events SET rejected_at = NULL, rejections = 0, doubt = 0 WHERE rejected_at IS NOT NULL"
            + only,
            tuple(event_ids or ()),
        )

    def prune(self, keep_delivered_s: float, keep_rejected_s: float) -> Pruned:
        """Delete the events delivered, or rejected, longer ago than kept; pending ones always stay."""
        now = self._clock()
        cutoffs = (now - keep_delivered_s, now - keep_rejected_s)
        expired = f"SELECT event_id FROM events WHERE {_EXPIRED}"
        with self._lock, self._db:
            # Immediate: the counts added to `pruned` must be of the rows this transaction deletes, even
            # when the bridge and the maintenance tool prune one file at the same time.
            self._db.execute("BEGIN IMMEDIATE")
            delivered, rejected = self._db.execute(
                f"SELECT COUNT(delivered_at), COUNT(*) - COUNT(delivered_at) FROM events WHERE {_EXPIRED}",
                cutoffs,
            ).fetchone()
            if delivered + rejected == 0:
                return Pruned(0, 0)
            self._db.execute(
                "UPDATE pruned SET delivered = delivered + ?, rejected = rejected + ?", (delivered, rejected)
            )
            self._db.execute(
                "INSERT INTO pruned_alarms (camera, skill, triggered, acknowledged, acknowledgement_delay_s_sum)"
                " SELECT camera, skill, COUNT(*), COUNT(acknowledged_at), TOTAL(acknowledged_at - triggered_at)"
                f" FROM alarms WHERE event_id IN ({expired}) GROUP BY camera, skill"
                " ON CONFLICT (camera, skill) DO UPDATE SET triggered = triggered + excluded.triggered,"
                " acknowledged = acknowledged + excluded.acknowledged,"
                " acknowledgement_delay_s_sum = acknowledgement_delay_s_sum"
                " + excluded.acknowledgement_delay_s_sum",
                cutoffs,
            )
            self._db.execute(f"DELETE FROM alarms WHERE event_id IN ({expired})", cutoffs)
            self._db.execute(f"DELETE FROM actions_done WHERE event_id IN ({expired})", cutoffs)
            self._db.execute(f"DELETE FROM events WHERE {_EXPIRED}", cutoffs)
        return Pruned(delivered, rejected)

    def stats(self) -> OutboxStats:
        """`produced` and `delivered` count since the outbox was created (pruned events included);
        `rejected` counts the events parked now, as `requeue_rejected` and `prune` take them away."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*), COUNT(delivered_at), COUNT(rejected_at),"
                f" SUM({_PENDING}), MIN(CASE WHEN {_PENDING} THEN enqueued_at END) FROM events"
            ).fetchone()
            pruned_delivered, pruned_rejected = self._db.execute(
                "SELECT delivered, rejected FROM pruned"
            ).fetchone()
        return OutboxStats(
            int(row[0]) + pruned_delivered + pruned_rejected,
            int(row[1]) + pruned_delivered,
            int(row[3] or 0),
            int(row[2]),
            row[4],
        )

    def event_state(self, event_id: str) -> EventState | None:
        with self._lock:
            row = self._db.execute(
                "SELECT delivered_at IS NOT NULL, rejected_at IS NOT NULL, rejections, last_error FROM events"
                " WHERE event_id = ?",
                (event_id,),
            ).fetchone()
        return EventState(event_id, bool(row[0]), bool(row[1]), int(row[2]), row[3]) if row else None

    def delivered_ids(self) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id FROM events WHERE delivered_at IS NOT NULL ORDER BY seq"
            ).fetchall()
        return [row[0] for row in rows]

    def held_between(self, start: float, end: float) -> dict[str, dict[str, int]]:
        """Per camera, the events held now that were enqueued in [start, end), by state (breach reports)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT camera, CASE WHEN delivered_at IS NOT NULL THEN 'delivered'"
                " WHEN rejected_at IS NOT NULL THEN 'rejected' ELSE 'pending' END, COUNT(*) FROM events"
                " WHERE enqueued_at >= ? AND enqueued_at < ? GROUP BY 1, 2 ORDER BY 1, 2",
                (start, end),
            ).fetchall()
        held: dict[str, dict[str, int]] = {}
        for camera, state, count in rows:
            held.setdefault(camera, {})[state] = count
        return held
