"""The one way the bridge opens its SQLite stores (outbox, statistics, trust): durable and shared.

WAL + synchronous=FULL: a commit is on disk (fsync) before it returns, and readers (status, the
maintenance commands, the box) never block the writer. One connection serves the bridge's threads,
each store serialising its own use of it.
"""

import sqlite3
from pathlib import Path

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
