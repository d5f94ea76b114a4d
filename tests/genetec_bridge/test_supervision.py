"""Supervised loops: a failure is logged, counted, shown and followed by a restart after a capped back-off.

The clock and the sleeps are simulated: a loop failing for days of simulated time runs in milliseconds.
"""

import asyncio
import logging
import threading

import pytest

from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.readiness import status_report
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.supervision import Loops


class SimulatedTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_a_failing_async_loop_is_restarted_counted_and_shown(caplog: pytest.LogCaptureFixture) -> None:
    clock = SimulatedTime()
    loops = Loops(backoff_initial_s=1.0, backoff_max_s=60.0, stable_after_s=60.0, clock=clock)
    calls = 0
    healthy = asyncio.Event()

    async def body() -> None:
        nonlocal calls
        calls += 1
        if calls <= 3:
            raise KeyError(f"bad answer {calls}")
        healthy.set()
        await asyncio.Event().wait()  # runs until cancelled

    running = asyncio.create_task(loops.run_async("websdk", body, sleep=clock.sleep))
    await asyncio.wait_for(healthy.wait(), 5)
    [status] = loops.status()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running

    assert (status.name, status.restarts, status.last_error) == ("websdk", 3, "KeyError: 'bad answer 3'")
    assert status.restarting, "restarted less than stable_after_s ago"
    assert len(clock.sleeps) == 3 and all(0 < delay <= 60 for delay in clock.sleeps)
    assert "loop websdk failed" in caplog.text and "Traceback" in caplog.text
    assert "KeyError: 'bad answer 1'" in caplog.text
    metrics = render_metrics(lambda: BridgeStatus(loops=loops.status())).decode()
    assert 'genetec_bridge_loop_restarts_total{loop="websdk"} 3.0' in metrics
    clock.now += 61
    assert not loops.status()[0].restarting, "stable again after a minute without failure"
    assert loops.status()[0].restarts == 3, "a cancelled loop counts no failure"


async def test_thousands_of_failures_keep_the_delay_capped() -> None:
    clock = SimulatedTime()
    loops = Loops(backoff_initial_s=1.0, backoff_max_s=30.0, clock=clock)
    failures = 0
    done = asyncio.Event()

    async def body() -> None:
        nonlocal failures
        failures += 1
        if failures > 3000:  # more than half a day of simulated failures at the cap
            done.set()
            await asyncio.Event().wait()
        raise OSError("camera gone")

    running = asyncio.create_task(loops.run_async("reader x", body, sleep=clock.sleep))
    await asyncio.wait_for(done.wait(), 30)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    assert loops.status()[0].restarts == 3000
    assert max(clock.sleeps) <= 30 and min(clock.sleeps[100:]) >= 15, "capped, never zero"
    assert clock.now > 12 * 3600


async def test_a_loop_that_ran_well_starts_its_back_off_over() -> None:
    clock = SimulatedTime()
    loops = Loops(backoff_initial_s=1.0, backoff_max_s=60.0, stable_after_s=60.0, clock=clock)
    runs = iter([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3600.0, 0.0])
    finished = asyncio.Event()

    async def body() -> None:
        ran = next(runs, None)
        if ran is None:
            finished.set()
            await asyncio.Event().wait()
        clock.now += ran
        raise RuntimeError("bug")

    running = asyncio.create_task(loops.run_async("delivery", body, sleep=clock.sleep))
    await asyncio.wait_for(finished.wait(), 5)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    assert clock.sleeps[5] >= 16, "six quick failures in a row: the delay has grown"
    assert clock.sleeps[6] <= 1, "after an hour of good work the first failure waits the initial delay"


async def test_a_loop_that_ends_on_its_own_is_a_failure_too() -> None:
    clock = SimulatedTime()
    loops = Loops(clock=clock)
    ended = 0

    async def body() -> None:
        nonlocal ended
        ended += 1
        if ended > 2:
            await asyncio.Event().wait()

    running = asyncio.create_task(loops.run_async("daemon", body, sleep=clock.sleep))
    while ended < 3:
        await asyncio.sleep(0)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    assert (loops.status()[0].restarts, loops.status()[0].last_error) == (2, "ended on its own")


def test_a_thread_loop_restarts_until_stopped_and_the_status_names_it() -> None:
    loops = Loops(backoff_initial_s=0.01, backoff_max_s=0.02)
    stop = threading.Event()
    calls = 0

    def body() -> None:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise ValueError(f"cannot open rtsps://operator:pa55word@gw/{calls}")
        stop.wait()

    thread = threading.Thread(target=loops.run_thread, args=("reader cam-1", body, stop))
    thread.start()
    while calls < 3:
        stop.wait(0.01)
    report = status_report(BridgeStatus(loops=loops.status()))
    stop.set()
    thread.join(5)

    assert not thread.is_alive()
    assert loops.status()[0].restarts == 2
    assert report.state == "degraded"
    assert "loop reader cam-1 restarting (2 restarts): ValueError: cannot open rtsps://operator:***@gw/2" in (
        report.problems
    )


def test_failures_are_logged_with_their_traceback_and_no_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    loops = Loops(backoff_initial_s=0.01, backoff_max_s=0.01)
    stop = threading.Event()

    def body() -> None:
        stop.set()
        raise ConnectionError("rtsps://operator:pa55word@gw/1 refused")

    loops.run_thread("counting", body, stop)

    assert "loop counting failed" in caplog.text
    assert 'raise ConnectionError("rtsps://operator:***@gw/1 refused")' in caplog.text, "the traceback"
    assert "loop counting restarts in" in caplog.text
    assert "pa55word" not in caplog.text
