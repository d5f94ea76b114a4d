"""A real daemon process behind the supervisor: PETS frames through shared memory, results back;
the daemon killed and restarted while frames keep coming."""

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.config.camera import AnalyticsSite
from analytics.link.link_messages import FrameResult
from analytics.skills.intrusion import IntrusionConfig
from genetec_bridge.lab.bench import Feed
from genetec_bridge.lab.bench_clips import decode
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor
from tests.support.pets_scene import pets_camera

pytestmark = pytest.mark.integration

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"


async def _until(condition: Callable[[], bool], timeout_s: float) -> float:
    """Seconds it took for `condition` to hold; fails after timeout_s."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout_s, f"not within {timeout_s} s"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def test_daemon_killed_is_reported_restarted_and_analysis_resumes(
    shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    camera = pets_camera(
        shared_asset("data/pets09-s2l1/reference/scene.json"),
        CAMERA,
        [IntrusionConfig(zone="junction_right", min_presence_s=0.0)],
    )
    images, _ = decode(shared_asset("data/pets09-s2l1/vtest.avi"), 60)
    results: list[FrameResult] = []

    async def collect(result: FrameResult) -> None:
        results.append(result)

    client = DaemonClient(AnalyticsSite(cameras=[camera]), collect)
    launch = DaemonLaunch(
        socket_path=tmp_path / "run" / "daemon.sock",
        model=shared_asset("models/yolox_nano.onnx"),
        device="cpu",
    )
    supervisor = DaemonSupervisor(client, launch)
    running = asyncio.create_task(supervisor.run())
    stop_feeding = threading.Event()
    feeding = threading.Thread(target=Feed(images, CAMERA, client.submit, 5.0).run, args=(stop_feeding,))
    feeding.start()
    try:
        await _until(lambda: any(r.counts.get("person", 0) >= 3 for r in results), 60)
        assert any(event.kind == "intrusion" for r in results for event in r.events)
        assert oct(os.stat(launch.socket_path.parent).st_mode & 0o777) == "0o700"
        first_pid = supervisor.status().pid
        assert first_pid is not None and supervisor.status().connected

        os.kill(first_pid, signal.SIGKILL)
        noticed_s = await _until(lambda: not supervisor.status().connected, 5)
        status = supervisor.status()
        assert status.restarts == 1 and status.last_error, status
        print(f"daemon death noticed in {noticed_s:.2f} s")

        analysed_before = len(results)
        await _until(lambda: len(results) > analysed_before + 5, 30)
        assert supervisor.status().connected and supervisor.status().pid != first_pid
        # The restarted daemon was configured afresh: its tracker starts again, so intrusions too.
        await _until(
            lambda: any(e.kind == "intrusion" for r in results[analysed_before:] for e in r.events), 30
        )
        counters = client.counters[CAMERA]
        assert counters.analysed == len(results)
        assert counters.submitted >= counters.analysed + counters.dropped
    finally:
        stop_feeding.set()
        feeding.join()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        client.close()
    assert supervisor.status().pid is None  # the child was stopped with the supervisor
