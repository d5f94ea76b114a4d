"""The status the health endpoints and the box answer from: gathered in the background, never per request.

A probe every few seconds, a Prometheus scrape and a person on the box must cost the bridge nothing, and
reading the stores or the trust figures on the event loop would stall every camera meanwhile. The
`StatusKeeper` gathers a `BridgeStatus` every `period_s` (the bridge decides what runs where: the
in-memory parts on the loop, the stores and the trust figures in a worker thread) and every reader
takes the last one, as it is. Each snapshot carries `taken_at`; /readyz and /status show its age, and
one older than `STALE_AFTER_S` (its gathering stuck on a store that hangs) is a problem in /status.
Before the first one, /readyz answers not ready.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

from genetec_bridge.health.status import BridgeStatus

REFRESH_S = 1.0
# Many refresh periods without a new snapshot: its gathering is stuck, and what /status shows is old.
STALE_AFTER_S = 30.0


class StatusKeeper:
    def __init__(
        self,
        gather: Callable[[], Awaitable[BridgeStatus]],
        period_s: float = REFRESH_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._gather = gather
        self._period_s = period_s
        self._clock = clock
        self._latest = BridgeStatus()

    @property
    def latest(self) -> BridgeStatus:
        """The last snapshot (`taken_at` None before the first): constant time, never gathers."""
        return self._latest

    async def refresh(self) -> BridgeStatus:
        status = await self._gather()
        self._latest = status.model_copy(update={"taken_at": self._clock()})
        return self._latest

    async def run(self) -> None:
        """Refresh every `period_s`, for ever (under the bridge's supervision, which restarts it)."""
        while True:
            await self.refresh()
            await asyncio.sleep(self._period_s)
