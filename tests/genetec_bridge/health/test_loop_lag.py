"""The bridge's own measure of how long its event loop was held."""

import asyncio
import time

from genetec_bridge.health.loop_lag import RECENT_S, LoopLag


async def test_a_blocking_call_on_the_loop_shows_as_a_stall() -> None:
    lag = LoopLag(interval_s=0.01)
    watch = asyncio.create_task(lag.run())
    await asyncio.sleep(0.05)
    time.sleep(0.3)  # what the loop must never do: block it
    await asyncio.sleep(0.05)
    watch.cancel()
    status = lag.status()
    assert status.longest_stall_s >= 0.29
    assert status.recent_stall_s == status.longest_stall_s


def test_the_recent_stall_forgets_what_is_older_than_a_minute() -> None:
    now = [1000.0]
    lag = LoopLag(clock=lambda: now[0])
    lag.observe(1000.0, 2.0)
    lag.observe(1010.0, 0.5)
    now[0] = 1000.0 + RECENT_S + 5
    lag.observe(now[0], 0.1)
    status = lag.status()
    assert status.longest_stall_s == 2.0
    assert status.recent_stall_s == 0.5
