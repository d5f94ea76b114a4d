"""How long the event loop was held: the bridge's own measure of "the loop does no heavy work".

A task asks to wake every `interval_s`; how much later than asked it wakes is how long something held
the loop (a request handled on it, a blocking call). The longest such stall since start and over the
last minute are shown in /status and /metrics, so a maintainer sees a stall a probe would only feel.
"""

import asyncio
import time
from collections import deque
from collections.abc import Callable

from genetec_bridge.health.status import EventLoopStatus

# Often enough to see a stall of a few tens of milliseconds, rarely enough to cost nothing.
INTERVAL_S = 0.05
RECENT_S = 60.0


class LoopLag:
    def __init__(self, interval_s: float = INTERVAL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval_s = interval_s
        self._clock = clock
        self._longest_s = 0.0
        self._recent: deque[tuple[float, float]] = deque()  # (when, stall), stalls only

    async def run(self) -> None:
        while True:
            asked = self._clock()
            await asyncio.sleep(self._interval_s)
            woke = self._clock()
            self.observe(woke, woke - asked - self._interval_s)

    def observe(self, at: float, stall_s: float) -> None:
        self._longest_s = max(self._longest_s, stall_s)
        while self._recent and self._recent[0][0] < at - RECENT_S:
            self._recent.popleft()
        # Only stalls that beat every one kept after them can be the recent maximum: the deque stays short.
        while self._recent and self._recent[-1][1] <= stall_s:
            self._recent.pop()
        self._recent.append((at, stall_s))

    def status(self) -> EventLoopStatus:
        now = self._clock()
        recent = max((stall for at, stall in self._recent if at >= now - RECENT_S), default=0.0)
        return EventLoopStatus(longest_stall_s=round(self._longest_s, 4), recent_stall_s=round(recent, 4))
