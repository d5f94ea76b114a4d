"""`make bench`: what the real chain sustains on this machine, beside a naive loop measured in the
same run (timings from different runs or machines are not comparable, ratios are).

The chain: decoded frames → shared memory → daemon (batching across cameras, detector, tracker,
skills) → results; alert latency goes on through the outbox and the delivery service to a fake Web
SDK. The naive baseline is one loop per camera in one process: read, detect, track, no batching.
"""

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from analytics.camera_config import AnalyticsSite, CameraConfig, Zone
from analytics.detection import Detector
from analytics.link.messages import FrameResult
from analytics.pipeline import CameraPipeline
from analytics.skills.base import AlertRouting
from analytics.skills.intrusion import IntrusionConfig
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

CLIPS = ("data/pets09-s2l1/vtest.avi", "data/traffic/urban-320x240.avi")
TARGET_FPS = 5.0
MAX_DROP = 0.05
LATENCY_CAMERAS = 2
# The whole frame: every person or vehicle is an intrusion at once, so latency is the chain's own.
WHOLE_FRAME = Zone(name="all", polygon=[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


def cores() -> int:
    return len(os.sched_getaffinity(0))


def decode(path: Path, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    images = []
    while len(images) < count:
        ok, image = capture.read()
        if not ok:
            break
        images.append(image)
    capture.release()
    if not images:
        raise SystemExit(f"bench: no frame decoded from {path}")
    return images


def camera(index: int) -> CameraConfig:
    skill = IntrusionConfig(zone="all", classes=["person", "car"], min_presence_s=0.0, cooldown_s=0.0)
    return CameraConfig(
        id=f"{index + 1:08x}-0000-4000-8000-000000000bec", fps=TARGET_FPS, zones=[WHOLE_FRAME], skills=[skill]
    )


@dataclass
class Feed:
    """Frames of a looping clip handed to `submit` at `fps` from a thread, as a camera reader does."""

    images: list[np.ndarray]
    camera_id: str
    submit: Callable[[CapturedFrame], None]
    fps: float

    def run(self, stop: threading.Event) -> None:
        started = time.monotonic()
        frame = 0
        while not stop.is_set():
            frame += 1
            image = self.images[(frame - 1) % len(self.images)]
            self.submit(
                CapturedFrame(self.camera_id, image, frame, (frame - 1) / self.fps, datetime.now(UTC))
            )
            stop.wait(max(0.0, started + frame / self.fps - time.monotonic()))


def run_feeds(feeds: Sequence[Feed], seconds: float) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=feed.run, args=(stop,), daemon=True) for feed in feeds]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()


def naive_fps(model: Path, clips: list[list[np.ndarray]], cameras: int, seconds: float) -> float:
    """One thread per camera, each with its own detector: read, detect one frame, track."""
    detectors = [Detector(model, "cpu") for _ in range(cameras)]
    done = [0] * cameras
    stop = threading.Event()

    def loop(index: int) -> None:
        config = camera(index)
        pipeline = CameraPipeline(config, {})
        images = clips[index % len(clips)]
        frame = 0
        while not stop.is_set():
            image = images[frame % len(images)]
            frame += 1
            detections = detectors[index].detect([image])[0]
            pipeline.process(detections, image, frame, frame / TARGET_FPS, datetime.now(UTC))
            done[index] += 1

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(cameras)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


class Chain:
    """The bridge's side of the real chain with a real daemon process; counts and alert latencies."""

    def __init__(self, model: Path, cameras: list[CameraConfig], batch_size: int, workdir: Path) -> None:
        self.cameras = cameras
        self.enqueue: Callable[[FrameResult], Awaitable[None]] | None = None
        self.client = DaemonClient(AnalyticsSite(cameras=cameras), self._result)
        launch = DaemonLaunch(
            socket_path=workdir / "run" / "daemon.sock", model=model, device="cpu", batch_size=batch_size
        )
        self.supervisor = DaemonSupervisor(self.client, launch)

    async def _result(self, result: FrameResult) -> None:
        if self.enqueue is not None:
            await self.enqueue(result)

    def totals(self, count: int) -> tuple[int, int, int]:
        """(submitted, analysed, dropped) over the first `count` cameras."""
        counters = [self.client.counters[c.id] for c in self.cameras[:count]]
        return (
            sum(c.submitted for c in counters),
            sum(c.analysed for c in counters),
            sum(c.dropped for c in counters),
        )

    async def measure(
        self, clips: list[list[np.ndarray]], count: int, fps: float, seconds: float
    ) -> tuple[float, float]:
        """Feed `count` cameras at `fps` for `seconds`: (analysed frames/s, share of frames dropped)."""
        before = self.totals(count)
        feeds = [
            Feed(clips[i % len(clips)], self.cameras[i].id, self.client.submit, fps) for i in range(count)
        ]
        await asyncio.to_thread(run_feeds, feeds, seconds)
        await asyncio.sleep(1.0)  # let the frames in flight come back
        submitted, analysed, dropped = (a - b for a, b in zip(self.totals(count), before, strict=True))
        return analysed / seconds, dropped / max(submitted, 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def alert_latency(
    chain: Chain, clips: list[list[np.ndarray]], workdir: Path, seconds: float
) -> list[float]:
    """Seconds from frame capture to the RaiseCustomEvent request reaching a fake Web SDK process.

    Measured on the chain's last two cameras, kept unused until now: their tracks are all new, so
    every person and vehicle raises an intrusion.
    """
    cameras = chain.cameras[-LATENCY_CAMERAS:]
    inventory = workdir / "websdk-cameras.json"
    inventory.write_text(
        json.dumps(
            {
                "cameras": [
                    {"guid": c.id, "name": f"bench {i}", "logical_id": i + 1} for i, c in enumerate(cameras)
                ]
            }
        )
    )
    record = workdir / "received.jsonl"
    port, password = _free_port(), secrets.token_hex(8)
    fake = subprocess.Popen(
        [
            *(sys.executable, "-m", "genetec_bridge.cli", "fake-websdk", "--port", str(port)),
            *("--cameras", str(inventory), "--record", str(record)),
        ],
        env={**os.environ, "FAKE_WEBSDK_PASSWORD": password},
        stdout=subprocess.DEVNULL,
    )
    client = WebSdkClient(f"http://127.0.0.1:{port}/WebSdk", "admin", password)
    outbox = Outbox(workdir / "outbox.sqlite3")
    delivery = DeliveryService(client, outbox, max_events_per_minute_per_camera=100_000)
    routing = AlertRouting(custom_event_id=7001, custom_event_name="bench intrusion")
    try:
        for _ in range(100):
            try:
                await client.ensure_custom_events({routing.custom_event_id: "bench intrusion"})
                break
            except WebSdkError:
                await asyncio.sleep(0.2)

        async def enqueue(result: FrameResult) -> None:
            for event in result.events:
                await delivery.enqueue(event, routing)

        chain.enqueue = enqueue
        delivering = asyncio.create_task(delivery.run())
        feeds = [
            Feed(clips[i % len(clips)], c.id, chain.client.submit, TARGET_FPS) for i, c in enumerate(cameras)
        ]
        await asyncio.to_thread(run_feeds, feeds, seconds)
        chain.enqueue = None
        await asyncio.sleep(2.0)
        delivering.cancel()
        await asyncio.gather(delivering, return_exceptions=True)
    finally:
        await client.aclose()
        outbox.close()
        fake.terminate()
        fake.wait(10)
    latencies = []
    for line in record.read_text().splitlines():
        entry = json.loads(line)
        if entry.get("op") == "RaiseCustomEvent":
            captured = datetime.fromisoformat(json.loads(entry["payload"])["timestamp"])
            received = datetime.fromisoformat(entry["received_at"].replace("Z", "+00:00"))
            latencies.append((received - captured).total_seconds())
    return latencies


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def run_bench(assets: Path, seconds: float, max_cameras: int, batch_size: int) -> list[str]:
    model = assets / "models/yolox_nano.onnx"
    clips = [decode(assets / clip, 100) for clip in CLIPS]
    lines = [f"machine: {cores()} CPU core(s) available; detector on CPU; {seconds:g} s per measurement"]
    naive = await asyncio.to_thread(naive_fps, model, clips, 2, seconds)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        chain = Chain(model, [camera(i) for i in range(max_cameras + LATENCY_CAMERAS)], batch_size, workdir)
        supervising = asyncio.create_task(chain.supervisor.run())
        try:
            for _ in range(1200):
                if chain.client.connected:
                    break
                await asyncio.sleep(0.1)
            # Two cameras offered far more than can be analysed: the chain's top rate.
            throughput, _ = await chain.measure(clips, 2, 30.0, seconds)
            steps, sustained, count = [], 0, 1
            while count <= max_cameras:
                rate, dropped = await chain.measure(clips, count, TARGET_FPS, seconds)
                steps.append(
                    f"  {count:2d} camera(s) at {TARGET_FPS:g} fps: {rate:5.1f} frames/s analysed, {dropped:5.1%} dropped"
                )
                if dropped >= MAX_DROP:
                    break
                sustained, count = count, count * 2
            latencies = await alert_latency(chain, clips, workdir, seconds)
        finally:
            supervising.cancel()
            await asyncio.gather(supervising, return_exceptions=True)
            chain.client.close()
    naive_cameras = int(naive // TARGET_FPS)
    lines += [
        f"throughput, chain (2 cameras, batched daemon): {throughput:.1f} frames/s = {throughput / cores():.1f} per core",
        f"throughput, naive (one detect+track loop per camera): {naive:.1f} frames/s = {naive / cores():.1f} per core",
        f"  ratio chain / naive: {throughput / naive:.2f}",
        f"cameras sustained at {TARGET_FPS:g} fps with < {MAX_DROP:.0%} dropped: {sustained} "
        f"(naive, from its throughput: {naive_cameras}; ratio {sustained / max(naive_cameras, 1):.2f})",
        *steps,
        f"alert latency, capture → Web SDK request ({len(latencies)} alerts): "
        f"p50 {_percentile(latencies, 50) * 1000:.0f} ms, p95 {_percentile(latencies, 95) * 1000:.0f} ms",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="genetec_bridge.bench", description=__doc__)
    parser.add_argument("--assets", type=Path, required=True, help="Asset directory (models/, data/).")
    parser.add_argument("--seconds", type=float, default=12.0, help="Length of each measurement.")
    parser.add_argument("--max-cameras", type=int, default=16, help="Largest camera count tried.")
    parser.add_argument("--batch-size", type=int, default=8, help="Daemon batch size.")
    args = parser.parse_args(argv)
    for line in asyncio.run(run_bench(args.assets, args.seconds, args.max_cameras, args.batch_size)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
