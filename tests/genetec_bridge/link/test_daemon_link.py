"""The daemon link never drops what the daemon produced: a stand-in daemon process on the real Unix
socket writes counted results while the bridge's handling is slowed, exits with results unread, or
goes silent; every result written is handled once, in order, before the link is given up."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.link.link_messages import FrameResult
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.link.daemon_client import BACKLOG_LIMIT, DaemonClient
from genetec_bridge.link.supervisor import DaemonSupervisor
from tests.support.standin_daemon import START, StandInLaunch, Then

pytestmark = pytest.mark.integration

BURST_CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
LIVE_CAMERA = "00000001-0000-babe-0000-00408ca1eb96"
CAMERAS = [CameraConfig(id=BURST_CAMERA), CameraConfig(id=LIVE_CAMERA)]


async def _until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout_s} s"
        await asyncio.sleep(0.05)


class Handled:
    """The bridge's result handler: records each result; `hold_s` makes one handling wait (a stalled
    commit), `block_s` blocks the event loop once (busy elsewhere), `each_s` slows every one (a slow
    disk)."""

    def __init__(self, hold_s: float = 0.0, block_s: float = 0.0, each_s: float = 0.0) -> None:
        self.frames: dict[str, list[int]] = {BURST_CAMERA: [], LIVE_CAMERA: []}
        self._hold_s = hold_s
        self._block_s = block_s
        self._each_s = each_s

    async def __call__(self, result: FrameResult) -> None:
        if self._hold_s:
            hold, self._hold_s = self._hold_s, 0.0
            await asyncio.sleep(hold)
        if self._block_s:
            block, self._block_s = self._block_s, 0.0
            time.sleep(block)
        if self._each_s:
            await asyncio.sleep(self._each_s)
        self.frames[result.camera].append(result.frame)


class Restarts:
    """The supervisor's pause before a restart: notes what was handled when the restart was decided,
    and whether a result handler was still pending then."""

    def __init__(self, handled: Handled, then: Callable[[float], Awaitable[None]]) -> None:
        self.handled_at_restart: list[int] = []
        self.handlers_pending: list[int] = []
        self._handled = handled
        self._then = then

    async def __call__(self, delay_s: float) -> None:
        self.handled_at_restart.append(len(self._handled.frames[BURST_CAMERA]))
        self.handlers_pending.append(
            sum(
                1
                for task in asyncio.all_tasks()
                if not task.done() and getattr(task.get_coro(), "__qualname__", "") == "DaemonClient._handle"
            )
        )
        await self._then(delay_s)


async def _forever(_delay_s: float) -> None:
    await asyncio.Event().wait()


def _feed(client: DaemonClient, stop: threading.Event, fps: float) -> None:
    """A camera reader: frames of the live camera to the link, on its own thread."""
    image = np.zeros((48, 64, 3), np.uint8)
    frame = 0
    while not stop.wait(1 / fps):
        frame += 1
        client.submit(CapturedFrame(LIVE_CAMERA, image, frame, frame / fps, START + timedelta(seconds=frame)))


async def _supervise(
    tmp_path: Path,
    handled: Handled,
    burst: int,
    then: Then,
    rate: float = 0.0,
    pause_s: float = 0.0,
    restart_sleep: Callable[[float], Awaitable[None]] = _forever,
) -> tuple[DaemonClient, DaemonSupervisor, Restarts, asyncio.Task[None]]:
    client = DaemonClient(AnalyticsSite(cameras=CAMERAS), handled)
    launch = StandInLaunch(
        socket_path=tmp_path / "run" / "daemon.sock",
        start_timeout_s=30,
        stall_s=1.0,
        stall_check_s=0.1,
        burst=burst,
        rate=rate,
        pause_s=pause_s,
        then=then,
    )
    restarts = Restarts(handled, restart_sleep)
    supervisor = DaemonSupervisor(client, launch, sleep=restarts)
    return client, supervisor, restarts, asyncio.create_task(supervisor.run())


async def _stop(running: asyncio.Task[None], client: DaemonClient) -> None:
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    client.close()


async def test_a_slow_commit_neither_gets_the_daemon_killed_nor_loses_a_result(tmp_path: Path) -> None:
    """1,440 results at 450 a second while one handling waits 3 s (three times stall_s); the live
    camera keeps submitting: its frames are dropped while the bridge is behind, never the results."""
    handled = Handled(hold_s=3.0)
    client, supervisor, restarts, running = await _supervise(
        tmp_path, handled, burst=1440, rate=450.0, then="answer"
    )
    stop = threading.Event()
    feeding = threading.Thread(target=_feed, args=(client, stop, 50.0))
    try:
        await _until(lambda: client.connected, 30)
        pid = supervisor.status().pid
        feeding.start()
        await _until(lambda: len(handled.frames[BURST_CAMERA]) == 1440, 30)
        stop.set()
        feeding.join()
        live = client.counters[LIVE_CAMERA]
        # Every frame submitted is answered or was dropped at submit (the stand-in answers each one).
        await _until(lambda: live.submitted == live.analysed + live.dropped, 10)
        await _until(lambda: len(handled.frames[LIVE_CAMERA]) == live.analysed, 10)
        print(
            f"1440 results written, {len(handled.frames[BURST_CAMERA])} handled in order; live camera:"
            f" {live.submitted} frames submitted, {live.analysed} answered, {live.dropped} dropped at submit"
        )
        assert handled.frames[BURST_CAMERA] == list(range(1, 1441))
        assert supervisor.restarts == 0 and restarts.handled_at_restart == [], supervisor.status()
        assert supervisor.status().pid == pid and client.connected
        assert live.dropped > 0, "the live camera's frames were not held back while the bridge was behind"
        assert live.analysed > 0
        assert client.counters[BURST_CAMERA].analysed == 1440
    finally:
        stop.set()
        if feeding.is_alive():
            feeding.join()
        await _stop(running, client)


async def test_a_daemon_that_exits_with_results_unread_has_all_of_them_handled_in_order(
    tmp_path: Path,
) -> None:
    """800 results written, then the daemon exits while the bridge has handled few of them."""
    handled = Handled(each_s=0.002)
    client, supervisor, restarts, running = await _supervise(tmp_path, handled, burst=800, then="exit")
    try:
        await _until(lambda: supervisor.restarts == 1, 30)
        assert "exited" in (supervisor.last_error or ""), supervisor.last_error
        # The restart was decided only once every result had been handed on, and no handler was left.
        assert restarts.handled_at_restart == [800]
        assert restarts.handlers_pending == [0]
        assert handled.frames[BURST_CAMERA] == list(range(1, 801))
        assert client.counters[BURST_CAMERA].analysed == 800
    finally:
        await _stop(running, client)


async def test_frames_sent_to_a_daemon_that_exited_do_not_cut_its_last_results_off(tmp_path: Path) -> None:
    """The event loop is busy for 2 s from the first result, while the daemon writes the 399 others
    (what its socket holds) and exits, and the live camera's frames queue up for it: sending them fails (the daemon is gone),
    reading goes on to the end of the stream."""
    handled = Handled(block_s=2.0)
    client, supervisor, restarts, running = await _supervise(
        tmp_path, handled, burst=400, pause_s=0.2, then="exit"
    )
    stop = threading.Event()
    feeding = threading.Thread(target=_feed, args=(client, stop, 100.0))
    feeding.start()
    try:
        await _until(lambda: supervisor.restarts == 1, 30)
        assert restarts.handled_at_restart == [400] and restarts.handlers_pending == [0]
        assert handled.frames[BURST_CAMERA] == list(range(1, 401))
        assert client.counters[LIVE_CAMERA].submitted > 0
    finally:
        stop.set()
        feeding.join()
        await _stop(running, client)


async def test_a_result_whose_handling_fails_costs_neither_the_link_nor_the_results_behind_it(
    tmp_path: Path,
) -> None:
    handled = Handled()

    async def failing_on_frame_50(result: FrameResult) -> None:
        if result.frame == 50:
            raise RuntimeError("the store refused frame 50")
        await handled(result)

    client = DaemonClient(AnalyticsSite(cameras=CAMERAS), failing_on_frame_50)
    launch = StandInLaunch(socket_path=tmp_path / "run" / "daemon.sock", start_timeout_s=30, burst=100)
    supervisor = DaemonSupervisor(client, launch, sleep=_forever)
    running = asyncio.create_task(supervisor.run())
    try:
        await _until(lambda: len(handled.frames[BURST_CAMERA]) == 99 or running.done(), 30)
        assert handled.frames[BURST_CAMERA] == [frame for frame in range(1, 101) if frame != 50]
        assert client.connected and supervisor.restarts == 0 and not running.done()
    finally:
        await _stop(running, client)


async def test_a_silent_daemon_is_still_found_stalled_killed_and_restarted(tmp_path: Path) -> None:
    """The stand-in writes 50 results, then reads frames and answers none: a stall after stall_s of
    silence while the bridge reads, its results all handled before the restart, a new daemon started."""
    handled = Handled(each_s=0.02)
    client, supervisor, restarts, running = await _supervise(
        tmp_path, handled, burst=50, then="silent", restart_sleep=asyncio.sleep
    )
    stop = threading.Event()
    feeding = threading.Thread(target=_feed, args=(client, stop, 20.0))
    try:
        await _until(lambda: client.connected, 30)
        first = client.hello
        assert first is not None
        feeding.start()
        await _until(lambda: supervisor.restarts == 1, 30)
        assert "no result" in (supervisor.last_error or ""), supervisor.last_error
        assert restarts.handled_at_restart == [50] and restarts.handlers_pending == [0]
        await _until(
            lambda: client.connected and client.hello is not None and client.hello.pid != first.pid, 30
        )
        assert handled.frames[BURST_CAMERA][:50] == list(range(1, 51))
    finally:
        stop.set()
        if feeding.is_alive():
            feeding.join()
        await _stop(running, client)


async def test_a_silent_daemon_the_bridge_does_not_run_is_cut_off_after_its_results_are_handled(
    tmp_path: Path,
) -> None:
    """As above with a daemon the bridge only reaches (systemd runs it): the link is cut, the 50
    results read before the silence are all handled before the bridge reconnects."""
    handled = Handled(each_s=0.02)
    launch = StandInLaunch(
        socket_path=tmp_path / "daemon.sock",
        managed=False,
        start_timeout_s=30,
        stall_s=1.0,
        stall_check_s=0.1,
        burst=50,
        then="silent",
    )
    daemon = await asyncio.create_subprocess_exec(*launch.command())
    client = DaemonClient(AnalyticsSite(cameras=CAMERAS), handled)
    restarts = Restarts(handled, _forever)
    running = asyncio.create_task(DaemonSupervisor(client, launch, sleep=restarts).run())
    stop = threading.Event()
    feeding = threading.Thread(target=_feed, args=(client, stop, 20.0))
    try:
        await _until(lambda: client.connected, 30)
        feeding.start()
        await _until(lambda: bool(restarts.handled_at_restart), 30)
        assert restarts.handled_at_restart == [50] and restarts.handlers_pending == [0]
        assert handled.frames[BURST_CAMERA] == list(range(1, 51))
        # Cut off, the stand-in sees its end of stream and exits, as the real daemon does.
        assert await asyncio.wait_for(daemon.wait(), 10) == 0
    finally:
        stop.set()
        if feeding.is_alive():
            feeding.join()
        await _stop(running, client)
        if daemon.returncode is None:
            daemon.kill()
            await daemon.wait()


async def test_a_daemon_writing_more_than_asked_is_held_back_by_the_socket_not_by_the_bridges_memory(
    tmp_path: Path,
) -> None:
    """A daemon that writes results nobody asked for, faster than they are handled: the link stops
    reading past BACKLOG_LIMIT waiting results, so the bridge's memory stays bounded, and every result is
    still handled, in order, without the daemon being taken for stalled."""
    burst = 3 * BACKLOG_LIMIT
    handled = Handled(each_s=0.0005)
    most_waiting = 0

    def observe() -> bool:
        nonlocal most_waiting
        most_waiting = max(most_waiting, client.waiting)
        return len(handled.frames[BURST_CAMERA]) == burst

    client, supervisor, _restarts, running = await _supervise(tmp_path, handled, burst=burst, then="answer")
    try:
        await _until(observe, 60)
        assert handled.frames[BURST_CAMERA] == list(range(1, burst + 1))
        assert BACKLOG_LIMIT // 2 < most_waiting <= BACKLOG_LIMIT
        assert supervisor.restarts == 0
    finally:
        await _stop(running, client)
