"""Writes that follow an alert and must never hold it up: the trust store's review record, audit lines.

The alert itself is committed to the outbox first (delivery/service.py); what is written about it
afterwards goes through a `StoreWriter`: queued in memory, run in order on the store's own writer thread
(`WorkerPool`, one thread), and retried with back-off while the store fails (a full disk, a locked
file), each failure reported by name in `StoreHealth`. The queue is bounded (`capacity` writes): past
it a write is dropped, logged and counted, so a store that stays broken for hours costs bounded memory
and never an alert. A write that fails for another reason than storage (a bug) is logged and dropped
rather than retried for ever in front of the others.

Writes still queued when the bridge stops get one last try (`flush`); those that fail then are lost
and logged with their count.
"""

import asyncio
import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.backoff import Backoff
from genetec_bridge.store_health import StoreHealth
from genetec_bridge.workers import WorkerPool

log = logging.getLogger(__name__)

# A frame's review records or one audit line each: hours of alerts on a busy site, a few MB.
CAPACITY = 10_000
STORAGE_ERRORS = (OSError, sqlite3.Error)

Write = Callable[[], object]


class StoreWriter:
    """The queue and writer thread of one store (`store` names it in StoreHealth and the thread)."""

    def __init__(
        self,
        store: str,
        health: StoreHealth,
        capacity: int = CAPACITY,
        retry: tuple[float, float] = (0.5, 30.0),
    ) -> None:
        self.store = store
        self.pool = WorkerPool(store)
        self.dropped = 0
        self._health = health
        self._capacity = capacity
        self._retry = retry
        self._lock = threading.Lock()
        self._queue: deque[Write] = deque()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failing = False

    @property
    def pending(self) -> int:
        return len(self._queue)

    def submit(self, write: Write) -> None:
        """Queue `write` (called on the writer thread later); never blocks. Thread-safe."""
        with self._lock:
            if len(self._queue) >= self._capacity:
                self.dropped += 1
                dropped = self.dropped
            else:
                self._queue.append(write)
                dropped = 0
        if dropped:
            if dropped == 1 or dropped % 1000 == 0:  # the log must not drown while a store stays broken
                log.error(
                    "%s store: %d write(s) waiting, one more dropped (%d so far)",
                    self.store,
                    self._capacity,
                    dropped,
                )
            self._health.failed(self.store, f"{dropped} write(s) dropped: {self._capacity} were waiting")
        elif self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Forever: run the queued writes in order, each retried until its store takes it."""
        self._loop = asyncio.get_running_loop()
        backoff = Backoff(*self._retry)
        while True:
            self._wake.clear()
            if not self._queue:
                await self._wake.wait()
                continue
            if await self._write_first():
                backoff.reset()
            else:
                await asyncio.sleep(backoff.next_delay())

    async def flush(self) -> None:
        """One try of each queued write, in order, stopping at the first storage failure (at stop)."""
        while self._queue and await self._write_first():
            pass
        if self._queue:
            log.error("%s store: %d write(s) not done at stop", self.store, len(self._queue))

    async def _write_first(self) -> bool:
        """Run the first write; False when storage refused it (it is first again)."""
        # Taken off before it runs: cancelled at stop, it still finishes on its thread, and is not run twice.
        with self._lock:
            write = self._queue.popleft()
        try:
            await self.pool.run(write)
        except STORAGE_ERRORS as error:
            with self._lock:
                self._queue.appendleft(write)
            if not self._failing:
                log.error(
                    "%s store cannot be written (%s): writes kept in memory and retried", self.store, error
                )
            self._failing = True
            self._health.failed(self.store, error)
            return False
        except Exception:
            log.exception("%s store: a write failed on a fault that retrying cannot fix; dropped", self.store)
            return True
        if self._failing:
            log.info("%s store writable again: %d write(s) waiting", self.store, len(self._queue))
        self._failing = False
        self._health.ok(self.store)
        return True


class LaterAudit:
    """Audit lines written through a `StoreWriter`: dated when they happen, appended when the trail can."""

    def __init__(self, trail: AuditTrail, writer: StoreWriter) -> None:
        self.trail = trail
        self._writer = writer

    def append(
        self, actor: str, action: str, subject: str = "", details: Mapping[str, Any] | None = None
    ) -> None:
        at = datetime.now(UTC)
        self._writer.submit(lambda: self.trail.append(actor, action, subject, details, at))
