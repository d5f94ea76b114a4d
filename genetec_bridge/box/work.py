"""The box's blocking work (files, SQLite reads, password hashes, snapshots, exports) in a pool of its own.

A person's requests must never delay an alert: the box's threads are its own (`WorkerPool` "box"), shared
with no store and not the loop's default pool. The pool is bounded and nothing waits for a thread:
at most `threads` requests are at work at once, at most `per_account` of them for one account, and at
most `logins` password checks of people not logged in yet (argon2 is slow on purpose: a burst of
logins must not take every thread). A request beyond a limit is refused at once (`BoxBusy`: 503 when
the box is full, 429 for one account or the logins), with a message saying to try again. Work given a
`timeout_s` (a snapshot from a Media Gateway that does not answer) is answered when the time is up,
and keeps its place in the limits until its thread is free again: a hung gateway cannot pile up threads.
"""

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from genetec_bridge.workers import WorkerPool

P = ParamSpec("P")
T = TypeVar("T")

THREADS = 4
PER_ACCOUNT = 2
LOGINS = 2
RETRY_AFTER_S = 2
# The lane of password checks: no account is known before the password is.
LOGIN_LANE = "login"


class BoxBusy(Exception):
    """The request was refused because a limit is reached; nothing of it ran."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = RETRY_AFTER_S


class BoxWork:
    def __init__(self, threads: int = THREADS, per_account: int = PER_ACCOUNT, logins: int = LOGINS) -> None:
        self._pool = WorkerPool("box", threads)
        self._threads = threads
        self._limits = {LOGIN_LANE: logins}
        self._per_account = per_account
        self._busy = 0
        self._by_lane: Counter[str] = Counter()

    async def run(
        self,
        account: str,
        function: Callable[P, T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`function(*args, **kwargs)` in a box thread for `account`; raises `BoxBusy` past a limit."""
        return await self._admitted(account, None, function, *args, **kwargs)

    async def within(
        self, timeout_s: float, account: str, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """As `run`, but raises TimeoutError after `timeout_s`; the thread's place is kept until it ends."""
        return await self._admitted(account, timeout_s, function, *args, **kwargs)

    async def check_password(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """A login's password check, within the logins' own limit."""
        return await self._admitted(LOGIN_LANE, None, function, *args, **kwargs)

    def close(self) -> None:
        self._pool.close()

    async def _admitted(
        self,
        lane: str,
        timeout_s: float | None,
        function: Callable[P, T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        limit = self._limits.get(lane, self._per_account)
        if self._busy >= self._threads:
            raise BoxBusy(503, f"the box is busy ({self._threads} requests at work): try again in a moment")
        if self._by_lane[lane] >= limit:
            who = "logins" if lane == LOGIN_LANE else f"requests of {lane}"
            raise BoxBusy(429, f"{limit} {who} already at work: try again when they are done")
        # Counted on the event loop (admission and release both run there): no lock is needed.
        self._busy += 1
        self._by_lane[lane] += 1
        work = asyncio.ensure_future(self._pool.run(function, *args, **kwargs))
        work.add_done_callback(lambda done: self._release(lane, done))
        # Shielded: a request that gives up (timeout, client gone) leaves the thread counted until it ends.
        return await asyncio.wait_for(asyncio.shield(work), timeout_s)

    def _release(self, lane: str, done: "asyncio.Future[T]") -> None:
        self._busy -= 1
        self._by_lane[lane] -= 1
        if not done.cancelled():
            done.exception()  # retrieved here: a request that timed out no longer awaits it
