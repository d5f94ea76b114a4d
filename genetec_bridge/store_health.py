"""What each of the bridge's stores last reported: a write that fails, a damaged file set aside.

The stores (outbox, trust store, statistics store, audit trail, track history) report here by name;
/status shows each problem on a line of its own and /metrics counts the failures, while the alerts go
on. Thread-safe: stores report from their writer threads.
"""

import threading
import time
from dataclasses import dataclass, field

from genetec_bridge.health.status import StoreProblem


@dataclass
class _StoreState:
    error: str | None = None
    since: float | None = None
    failures: int = 0
    moved_aside: list[str] = field(default_factory=list)


class StoreHealth:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: dict[str, _StoreState] = {}

    def failed(self, store: str, error: BaseException | str) -> None:
        """A read or write of `store` failed; it is retried by its owner."""
        with self._lock:
            state = self._stores.setdefault(store, _StoreState())
            if state.error is None:
                state.since = time.time()
            state.error = str(error)
            state.failures += 1

    def ok(self, store: str) -> None:
        """A write of `store` succeeded: its current problem, if any, is over."""
        with self._lock:
            state = self._stores.get(store)
            if state is not None:
                state.error = None
                state.since = None

    def moved_aside(self, store: str, moved_to: str) -> None:
        """`store`'s file was damaged at open: kept as `moved_to`, and a fresh store started."""
        with self._lock:
            self._stores.setdefault(store, _StoreState()).moved_aside.append(moved_to)

    def problems(self) -> list[StoreProblem]:
        with self._lock:
            return [
                StoreProblem(
                    store=name,
                    error=state.error,
                    since=state.since,
                    failures=state.failures,
                    moved_aside=list(state.moved_aside),
                )
                for name, state in sorted(self._stores.items())
                if state.error is not None or state.moved_aside or state.failures
            ]
