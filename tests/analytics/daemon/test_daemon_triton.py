"""Daemons inferring on a shared Triton server: their requests meet in Triton's batches, and a
Triton restart costs no event."""

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.config.camera import CameraConfig, Zone
from analytics.link.link_messages import FrameResult
from analytics.skills.intrusion import IntrusionConfig
from genetec_bridge.lab.triton.server_process import TritonServerProcess
from tests.support.daemon_feeder import FedDaemon, fed_daemon
from tests.support.pets_frames import pets_frames
from tests.support.triton_server import triton_server

__all__ = ["triton_server"]

pytestmark = pytest.mark.integration

FPS = 3.5  # every second frame of PETS (7 fps)
WHOLE_FRAME = Zone(name="all", polygon=[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


def camera(index: int) -> CameraConfig:
    # Every person entering the frame is an intrusion: PETS gives events all along.
    skill = IntrusionConfig(zone="all", classes=["person"], min_presence_s=0.0, cooldown_s=0.0)
    return CameraConfig(
        id=f"00000001-0000-4000-8000-00000000000{index}", fps=FPS, zones=[WHOLE_FRAME], skills=[skill]
    )


def triton_args(server: TritonServerProcess) -> list[str]:
    return [
        "--inference",
        "triton",
        "--triton-url",
        server.url,
        "--inference-timeout",
        "30",
        "--retry-max",
        "1",
    ]


def socket_in(tmp_path: Path, name: str) -> Path:
    directory = tmp_path / name
    directory.mkdir(mode=0o700)
    return directory / "d.sock"


def events_of(results: list[FrameResult]) -> list[tuple[int, str, str, int]]:
    return [(r.frame, e.kind, e.phase, e.track_id) for r in results for e in r.events]


async def test_two_daemons_requests_are_batched_together_by_triton(
    triton_server: TritonServerProcess, shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    frames = pets_frames(shared_asset("data/pets09-s2l1/vtest.avi"), every=2, count=8)
    one, two = camera(1), camera(2)
    before = triton_server.statistics()
    async with (
        fed_daemon(socket_in(tmp_path, "a"), [one], triton_args(triton_server)) as a,
        fed_daemon(socket_in(tmp_path, "b"), [two], triton_args(triton_server)) as b,
    ):
        for number, image in enumerate(frames, 1):
            # Each daemon sends a batch of one camera: only Triton can merge them.
            await asyncio.gather(
                a.analyse(one.id, image, number, FPS, 60), b.analyse(two.id, image, number, FPS, 60)
            )
    after = triton_server.statistics()
    inferences = int(after.get("inference_count", 0)) - int(before.get("inference_count", 0))
    executions = int(after.get("execution_count", 0)) - int(before.get("execution_count", 0))
    assert inferences == 2 * len(frames)
    assert executions < inferences, f"{inferences} inferences in {executions} executions: none merged"
    merged = [s for s in after.get("batch_stats", []) if int(s["batch_size"]) >= 2]
    assert merged, after.get("batch_stats")


async def analyse_all(fed: FedDaemon, cam: CameraConfig, frames: list, first: int = 1) -> list[FrameResult]:
    return [await fed.analyse(cam.id, image, n, FPS, 120) for n, image in enumerate(frames, first)]


async def test_a_triton_restart_is_survived_without_losing_an_event(
    triton_server: TritonServerProcess, shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    frames = pets_frames(shared_asset("data/pets09-s2l1/vtest.avi"), every=2, count=30)
    cam = camera(1)
    async with fed_daemon(socket_in(tmp_path, "reference"), [cam], []) as reference:
        expected = events_of(await analyse_all(reference, cam, frames))

    restart_at = 10
    async with fed_daemon(socket_in(tmp_path, "triton"), [cam], triton_args(triton_server)) as fed:
        results = await analyse_all(fed, cam, frames[:restart_at])
        assert fed.client.inference is not None and fed.client.inference.tier == "triton"
        triton_server.stop()
        waiting = asyncio.create_task(fed.analyse(cam.id, frames[restart_at], restart_at + 1, FPS, 180))
        while fed.client.inference.available:
            assert not waiting.done()
            await asyncio.sleep(0.1)
        # The daemon says so, and keeps its frame while retrying.
        assert fed.client.inference.failures >= 1 and fed.client.inference.last_error
        triton_server.start()
        results.append(await waiting)
        results += await analyse_all(fed, cam, frames[restart_at + 1 :], first=restart_at + 2)
        assert fed.client.inference.available
        assert fed.process.returncode is None  # the same daemon throughout
    assert [r.frame for r in results] == list(range(1, len(frames) + 1))
    assert sum(r.dropped for r in results) == 0
    assert len([e for e in expected if e[0] > restart_at]) >= 2, expected
    assert events_of(results) == expected
