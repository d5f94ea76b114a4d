"""Login throttling of the box, per client address and across all addresses, whatever name is tried;
and the failed logins gathered for the audit trail.

Per address: `attempts` failures within `window_s` lock the address for `window_s`, each further
lock of the same address twice as long as the one before (at most `MAX_LOCK_S`); an address without
failure or lock for `MAX_LOCK_S` starts afresh. A successful login does not wipe the count: a valid account must not
buy more guesses. Across all addresses: past `global_per_min` failures within a minute, every
login is refused until the oldest of them is a minute old, which bounds a guess spread over many
addresses; the login page says it is the whole box, not the reader's address, that waits.
A refused attempt checks no password and is not a failure: it neither lengthens a lock nor counts
towards the ceiling.

Failures are written to the audit trail as one line per address and window (`FailedLogins`), with
how many failed, how many distinct names were tried and how many were refused, never the names
themselves (a password typed in the name field would otherwise be kept).

The clock is injected (monotonic seconds), so tests move time instead of sleeping.
"""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]

MAX_LOCK_S = 3600.0
GLOBAL_WINDOW_S = 60.0
# Addresses are forgotten once quiet; past this many kept, the quiet ones are swept at the next failure.
SWEEP_ABOVE = 1024


@dataclass(frozen=True, slots=True)
class Wait:
    """A login refused for `seconds`; `everywhere` when the global ceiling, not the address, is the cause."""

    seconds: float
    everywhere: bool


@dataclass(slots=True)
class _Address:
    failures: deque[float] = field(default_factory=deque)
    locks: int = 0
    locked_until: float = 0.0
    last_failure: float = 0.0

    def quiet(self, now: float) -> bool:
        """No failure and no lock for the longest lock: the address is forgiven."""
        return now - max(self.last_failure, self.locked_until) >= MAX_LOCK_S


class LoginThrottle:
    def __init__(
        self, attempts: int, window_s: float, global_per_min: int, clock: Clock = time.monotonic
    ) -> None:
        self._attempts = attempts
        self._window_s = window_s
        self._global_per_min = global_per_min
        self._clock = clock
        self._addresses: dict[str, _Address] = {}
        self._everywhere: deque[float] = deque()

    def wait(self, address: str) -> Wait | None:
        """How long a login from `address` must wait; None when it may try now."""
        now = self._clock()
        while self._everywhere and now - self._everywhere[0] >= GLOBAL_WINDOW_S:
            self._everywhere.popleft()
        state = self._addresses.get(address)
        own = state.locked_until - now if state else 0.0
        shared = (
            GLOBAL_WINDOW_S - (now - self._everywhere[0])
            if len(self._everywhere) >= self._global_per_min
            else 0.0
        )
        if max(own, shared) <= 0:
            return None
        return Wait(max(own, shared), everywhere=shared > own)

    def failed(self, address: str) -> None:
        now = self._clock()
        self._everywhere.append(now)
        if len(self._addresses) > SWEEP_ABOVE:
            self._sweep(now)
        state = self._addresses.setdefault(address, _Address())
        if state.quiet(now):
            state.locks = 0
        state.last_failure = now
        state.failures.append(now)
        while now - state.failures[0] >= self._window_s:
            state.failures.popleft()
        if len(state.failures) >= self._attempts:
            state.locks += 1
            state.locked_until = now + min(self._window_s * 2 ** (state.locks - 1), MAX_LOCK_S)
            state.failures.clear()

    def _sweep(self, now: float) -> None:
        for address in [a for a, state in self._addresses.items() if state.quiet(now)]:
            del self._addresses[address]


@dataclass(slots=True)
class _Window:
    opened: float
    failures: int = 0
    refused: int = 0
    names: set[str] = field(default_factory=set)


class FailedLogins:
    """Failed and refused logins per address, handed out as one audit line per address and window.

    A window opens at an address's first failure or refusal and closes `window_s` later; `closed()`
    hands out the closed ones (all of them with `everything=True`, when the box stops)."""

    def __init__(self, window_s: float, clock: Clock = time.monotonic) -> None:
        self._window_s = window_s
        self._clock = clock
        self._open: dict[str, _Window] = {}

    def failed(self, address: str, name: str) -> None:
        window = self._window(address)
        window.failures += 1
        window.names.add(name)

    def refused(self, address: str) -> None:
        self._window(address).refused += 1

    def closed(self, everything: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """(address, details) of each window closed, forgotten here."""
        now = self._clock()
        done = [a for a, w in self._open.items() if everything or now - w.opened >= self._window_s]
        return [(address, self._details(self._open.pop(address))) for address in done]

    def _window(self, address: str) -> _Window:
        return self._open.setdefault(address, _Window(self._clock()))

    def _details(self, window: _Window) -> dict[str, Any]:
        return {
            "failures": window.failures,
            "names_tried": len(window.names),
            "refused": window.refused,
            "window_s": self._window_s,
        }
