"""Supervision of the bridge's long-lived loops: nothing dies quietly.

Every loop that should run as long as the bridge (a camera reader thread, the daemon supervisor, the
Web SDK keeper, the alarm event stream, delivery) runs under `Loops`. An unexpected exception (or a
loop that ends on its own) is logged with its traceback, counted, shown in /status and /metrics
under the loop's name, and the loop is started again after a capped back-off. A loop that has run
for `stable_after_s` since its last start is healthy again: its next failure starts the back-off
over. Cancellation (asyncio) and the stop event (threads) end a loop without counting a failure.

The clock and the sleeps are parameters, so a test can drive supervision in simulated time.
"""

import asyncio
import logging
import threading
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from genetec_bridge.backoff import Backoff
from genetec_bridge.health.status import LoopStatus
from genetec_bridge.redaction import redact_credentials

log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(slots=True)
class _LoopRecord:
    restarts: int = 0
    last_error: str | None = None
    failed_at: float | None = None  # clock time of the latest failure
    started_at: float | None = None  # clock time of the latest (re)start
    backoff: Backoff = field(default_factory=Backoff)


def describe_failure(error: BaseException) -> str:
    """One line for the status page: the type and the message, never a URL's password."""
    message = str(error)
    return redact_credentials(f"{type(error).__name__}: {message}" if message else type(error).__name__)


def _log_failure(name: str, failure: Exception) -> str:
    """Log the traceback, redacted (a message may quote a URL with its password); the status line."""
    trace = redact_credentials("".join(traceback.format_exception(failure)).rstrip())
    log.error("loop %s failed:\n%s", name, trace)
    return describe_failure(failure)


class Loops:
    """The register of supervised loops and their restarts; thread-safe (readers are threads)."""

    def __init__(
        self,
        *,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 60.0,
        stable_after_s: float = 60.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self._backoff = (backoff_initial_s, backoff_max_s)
        self._stable_after_s = stable_after_s
        self._clock = clock
        self._records: dict[str, _LoopRecord] = {}
        self._lock = threading.Lock()

    def status(self) -> list[LoopStatus]:
        """Every loop registered so far, by name; `restarting` while the latest restart is not stable."""
        now = self._clock()
        with self._lock:
            return [
                LoopStatus(
                    name=name,
                    restarts=record.restarts,
                    last_error=record.last_error,
                    restarting=self._unstable(record, now),
                )
                for name, record in sorted(self._records.items())
            ]

    async def run_async(
        self,
        name: str,
        body: Callable[[], Awaitable[None]],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Run `body()` forever, restarting it after a failure; returns only by cancellation."""
        while True:
            self._started(name)
            try:
                await body()
            except Exception as failure:  # everything: catching it is what supervision is for
                error = _log_failure(name, failure)
            else:
                log.error("loop %s ended on its own", name)
                error = "ended on its own"
            await sleep(self._failed(name, error))

    def run_thread(self, name: str, body: Callable[[], None], stop: threading.Event) -> None:
        """Run `body()` until `stop` is set, restarting it after a failure; the target of a thread."""
        while not stop.is_set():
            self._started(name)
            try:
                body()
            except Exception as failure:  # everything: catching it is what supervision is for
                error = _log_failure(name, failure)
            else:
                if stop.is_set():
                    return
                log.error("loop %s ended on its own", name)
                error = "ended on its own"
            stop.wait(self._failed(name, error))

    def register(self, name: str) -> None:
        """Show a loop in the status before it first runs (a reader not started yet, say)."""
        with self._lock:
            self._records.setdefault(name, self._new_record())

    def forget(self, name: str) -> None:
        """Drop an ended loop from the status (the reader of a camera removed without a restart)."""
        with self._lock:
            self._records.pop(name, None)

    def _new_record(self) -> _LoopRecord:
        return _LoopRecord(backoff=Backoff(*self._backoff))

    def _started(self, name: str) -> None:
        with self._lock:
            self._records.setdefault(name, self._new_record()).started_at = self._clock()

    def _failed(self, name: str, error: str) -> float:
        """Count the failure; the delay before the restart."""
        now = self._clock()
        with self._lock:
            record = self._records[name]
            if record.started_at is not None and now - record.started_at >= self._stable_after_s:
                record.backoff.reset()  # it ran well for a while: a new failure, not a crash loop
            record.restarts += 1
            record.last_error = error
            record.failed_at = now
            delay = record.backoff.next_delay()
        log.warning("loop %s restarts in %.1f s (restart %d): %s", name, delay, record.restarts, error)
        return delay

    def _unstable(self, record: _LoopRecord, now: float) -> bool:
        if record.failed_at is None:
            return False
        started = record.started_at if record.started_at is not None else record.failed_at
        # Waiting for its restart (started before it failed), or restarted but not stable yet.
        return started <= record.failed_at or now - started < self._stable_after_s
