"""A real daemon process fed frame by frame through the bridge's own link (DaemonClient), for tests
that must know which frame each result answers: the next frame of a camera goes only once the
previous one came back, so nothing is superseded and every frame is analysed."""

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.link.framing import open_link
from analytics.link.link_messages import FrameResult
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.link.daemon_client import DaemonClient

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass
class FedDaemon:
    process: asyncio.subprocess.Process
    client: DaemonClient
    results: asyncio.Queue[FrameResult] = field(default_factory=asyncio.Queue)

    async def analyse(
        self, camera: str, image: np.ndarray, frame: int, fps: float, timeout_s: float
    ) -> FrameResult:
        time_s = (frame - 1) / fps
        captured = CapturedFrame(camera, image, frame, time_s, START + timedelta(seconds=time_s))
        self.client.submit(captured)
        result = await asyncio.wait_for(self.results.get(), timeout_s)
        assert (result.camera, result.frame) == (camera, frame), (
            f"unexpected result {result.camera} {result.frame}"
        )
        return result


def daemon_command(socket_path: Path, inference_args: Sequence[str]) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "analytics.cli",
        "daemon",
        "--socket",
        str(socket_path),
        "--device",
        "cpu",
    ]
    return [*command, "--batch-size", "8", "--exit-on-disconnect", *inference_args]


@asynccontextmanager
async def fed_daemon(
    socket_path: Path, cameras: list[CameraConfig], inference_args: Sequence[str]
) -> AsyncIterator[FedDaemon]:
    process = await asyncio.create_subprocess_exec(*daemon_command(socket_path, inference_args))
    fed: FedDaemon | None = None

    async def on_result(result: FrameResult) -> None:
        assert fed is not None
        await fed.results.put(result)

    client = DaemonClient(AnalyticsSite(cameras=cameras), on_result)
    fed = FedDaemon(process, client)
    serving = None
    try:
        for _ in range(600):
            if socket_path.exists() or process.returncode is not None:
                break
            await asyncio.sleep(0.1)
        assert process.returncode is None, f"daemon exited with {process.returncode}"
        reader, writer = await open_link(str(socket_path))
        serving = asyncio.create_task(client.serve(reader, writer))
        while not client.connected:
            assert not serving.done(), serving
            await asyncio.sleep(0.05)
        yield fed
    finally:
        if serving is not None:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await serving
        client.close()
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
