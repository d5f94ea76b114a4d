"""Simulated time for long-horizon tests: an asyncio event loop whose clock jumps ahead whenever nothing
is runnable, and threads (camera readers) that sleep on that same clock.

The loop's `time()` is the simulated monotonic clock, so `asyncio.sleep`, `wait_for` and call_later
timers take no wall time. Before jumping, the loop polls its real selector (sockets, the self-pipe that
threads wake it through) and waits while any thread taking part in the simulation is running: time
only moves when every participant is waiting for it. Work handed to an executor (a store's
`WorkerPool`: the outbox's SQLite calls) runs inline on the loop thread, so the loop never
jumps while such work is under way. A wall clock (UTC) runs with the monotonic one and can be stepped.
"""

import asyncio
import heapq
import selectors
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# Real seconds the loop gives running threads before it looks again; small, so a month stays fast.
_THREAD_SLICE_S = 0.0005


class SimulatedTime:
    def __init__(self, wall_start: datetime) -> None:
        self.now = 0.0  # monotonic seconds since the start
        self.wall_offset_s = 0.0
        self._wall_start = wall_start.timestamp()
        self._condition = threading.Condition()
        self._running_threads = 0
        self._sleepers: list[float] = []  # wake-up times of the threads waiting for the clock
        self.stopped = False

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self._wall_start + self.now + self.wall_offset_s

    def wall_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.wall(), UTC)

    def step_wall_clock(self, seconds: float) -> None:
        """As an NTP correction or an operator does: the wall clock jumps, the monotonic one does not."""
        self.wall_offset_s += seconds

    # -- threads -----------------------------------------------------------------------------------

    def thread_starting(self) -> None:
        """Call before starting a thread that sleeps with `thread_sleep`: it runs until its first sleep."""
        with self._condition:
            self._running_threads += 1

    def thread_sleep(self, delay_s: float) -> None:
        """Block the calling thread until the simulated clock has moved `delay_s` on."""
        with self._condition:
            if self.stopped:
                return
            target = self.now + max(0.0, delay_s)
            heapq.heappush(self._sleepers, target)
            self._running_threads -= 1
            self._condition.notify_all()
            while self.now < target and not self.stopped:
                self._condition.wait()
            # The loop counted this thread as running again when it moved the clock to `target`.

    def stop(self) -> None:
        """Release every sleeping thread for good (the end of the simulation)."""
        with self._condition:
            self.stopped = True
            self._condition.notify_all()

    def _threads_running(self) -> bool:
        with self._condition:
            return self._running_threads > 0 and not self.stopped

    def _advance(self, timer_in_s: float | None) -> None:
        """Jump to the loop's next timer or the next sleeping thread's wake-up, whichever is sooner."""
        with self._condition:
            candidates = [self.now + timer_in_s] if timer_in_s is not None else []
            if self._sleepers:
                candidates.append(self._sleepers[0])
            if not candidates:
                raise RuntimeError("simulation stuck: no timer and no sleeping thread")
            self.now = max(self.now, min(candidates))
            while self._sleepers and self._sleepers[0] <= self.now:
                heapq.heappop(self._sleepers)
                self._running_threads += 1
            self._condition.notify_all()


class _SimulatedSelector:
    """The real selector, except that waiting moves the simulated clock instead of the real one."""

    def __init__(self, time: SimulatedTime) -> None:
        self._real = selectors.DefaultSelector()
        self._time = time

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        while True:
            ready = self._real.select(0)
            if ready or timeout == 0:
                return ready
            if not self._time._threads_running():
                self._time._advance(timeout)
                return []
            ready = self._real.select(_THREAD_SLICE_S)
            if ready:
                return ready

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)  # register, unregister, modify, get_key, get_map, close


class SimulatedLoop(asyncio.SelectorEventLoop):
    def __init__(self, time: SimulatedTime) -> None:
        super().__init__(_SimulatedSelector(time))  # type: ignore[arg-type]
        self._simulated = time

    def time(self) -> float:
        return self._simulated.now

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """Inline: the work is done before the loop can move the clock on."""
        future = self.create_future()
        try:
            future.set_result(func(*args))
        except Exception as error:  # handed to the awaiting coroutine, as a worker thread would
            future.set_exception(error)
        return future
