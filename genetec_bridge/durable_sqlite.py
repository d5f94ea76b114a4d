"""The one way the bridge opens its SQLite stores (outbox, statistics, trust): durable, shared, checked.

WAL + synchronous=FULL: a commit is on disk (fsync) before it returns, and readers (status, the
maintenance commands, the box) never block the writer. One connection serves the bridge's threads,
each store serialising its own use of it.

`open_checked` is how a store opens its file at start: SQLite's `quick_check`, then the store's own
schema. A file SQLite cannot read (not a database, malformed pages, a schema it cannot use) is renamed
`<name>.corrupt-<UTC time>` with its WAL, logged, reported by name to the bridge's `StoreHealth` (so
/status names it), and a fresh store is started: one damaged store never keeps the bridge from starting.
Other SQLite errors (database locked, disk full, no permission) are raised: the file is not damaged and
must stay where it is.
"""

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from genetec_bridge.store_health import StoreHealth

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0


def connect_durable(path: Path, busy_timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Open (creating it and its directory when missing) the store at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, timeout=busy_timeout_s)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error:
        db.close()
        raise
    return db


@dataclass(frozen=True)
class CheckedStore:
    """A store's connection, opened by `open_checked`; `moved_aside` is where a damaged file went."""

    db: sqlite3.Connection
    moved_aside: Path | None


def open_checked(
    store: str,
    path: Path,
    prepare: Callable[[sqlite3.Connection], None],
    health: StoreHealth | None = None,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
    clock: Callable[[], float] = time.time,
) -> CheckedStore:
    """Open the `store` (its name in logs and /status) at `path`, checked, and `prepare` it (schema,
    upgrades); a damaged file is moved aside and a fresh one prepared."""
    try:
        return CheckedStore(_open(path, prepare, busy_timeout_s), None)
    except sqlite3.OperationalError:
        raise  # locked, unreadable, disk full: not damage, the file must stay where it is
    except sqlite3.DatabaseError as error:
        aside = _move_aside(store, path, error, clock)
    if health is not None:
        health.moved_aside(store, aside.name)
    return CheckedStore(_open(path, prepare, busy_timeout_s), aside)


def _open(
    path: Path, prepare: Callable[[sqlite3.Connection], None], busy_timeout_s: float
) -> sqlite3.Connection:
    db = connect_durable(path, busy_timeout_s)
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(problems[:3]))
        prepare(db)
    except sqlite3.Error:
        db.close()
        raise
    return db


def _move_aside(store: str, path: Path, error: sqlite3.DatabaseError, clock: Callable[[], float]) -> Path:
    """Rename the unreadable file (and its WAL) out of the way, so that a fresh one can start."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(clock()))
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(f"{aside}{suffix}")
    log.error(
        "%s %s is corrupt (%s): moved aside to %s and a fresh %s started; what it held is kept there,"
        " unused (open it with sqlite3 to recover it)",
        store,
        path,
        error,
        aside.name,
        store,
    )
    return aside
