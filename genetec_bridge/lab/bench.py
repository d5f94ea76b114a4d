"""`make bench`: what the real chain sustains on this machine, beside a naive loop measured in the
same run (timings from different runs or machines are not comparable, ratios are).

The chain: decoded frames → shared memory → daemon (batching across cameras, detector, tracker,
skills) → results; alert latency goes on through the outbox and the delivery service to a fake Web
SDK. The naive baseline is one loop per camera in one process: read, detect, track, no batching.

Both are measured by the same code: top throughput with two cameras offered 30 fps each, then the
largest camera count fed at 5 fps each with under 5 % of the frames dropped (a frame superseded by
a newer one of its camera before it was taken is dropped, on both sides).
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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from analytics.camera_pipeline import CameraPipeline
from analytics.config.camera import AnalyticsSite, CameraConfig, Zone
from analytics.detection import Detector
from analytics.link.link_messages import FrameResult
from analytics.skills.base import AlertRouting
from analytics.skills.intrusion import IntrusionConfig
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.link.daemon_client import CameraCounters, DaemonClient
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


@contextmanager
def running(targets: Sequence[Callable[[threading.Event], None]]) -> Iterator[None]:
    """Run each target in a thread while the block runs; then set their stop event and wait for them."""
    stop = threading.Event()
    threads = [threading.Thread(target=target, args=(stop,), daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def run_feeds(feeds: Sequence[Feed], seconds: float) -> None:
    with running([feed.run for feed in feeds]):
        time.sleep(seconds)


@dataclass(frozen=True)
class Step:
    """One measurement: `cameras` fed at `fps` each."""

    cameras: int
    fps: float
    analysed_fps: float
    dropped: float  # share of the frames submitted


def totals(counters: Sequence[CameraCounters]) -> tuple[int, int, int]:
    """(submitted, analysed, dropped) summed over cameras."""
    return (
        sum(c.submitted for c in counters),
        sum(c.analysed for c in counters),
        sum(c.dropped for c in counters),
    )


def step(
    count: int,
    fps: float,
    seconds: float,
    after: tuple[int, int, int],
    before: tuple[int, int, int] = (0, 0, 0),
) -> Step:
    submitted, analysed, dropped = (a - b for a, b in zip(after, before, strict=True))
    return Step(count, fps, analysed / seconds, dropped / max(submitted, 1))


def feeds(
    clips: list[list[np.ndarray]],
    camera_ids: Sequence[str],
    submit: Callable[[CapturedFrame], None],
    fps: float,
) -> list[Feed]:
    """One feed per camera, the clips taken in turn."""
    return [Feed(clips[i % len(clips)], camera_id, submit, fps) for i, camera_id in enumerate(camera_ids)]


class Mailbox:
    """The newest frame of one naive camera. A frame replaced before the loop took it is dropped, as
    the daemon drops a frame superseded in its ring, so both sides count drops by the same rule."""

    def __init__(self) -> None:
        self.counters = CameraCounters()
        self._ready = threading.Condition()
        self._frame: CapturedFrame | None = None

    def put(self, captured: CapturedFrame) -> None:
        with self._ready:
            self.counters.add(submitted=1, dropped=int(self._frame is not None))
            self._frame = captured
            self._ready.notify()

    def take(self, timeout: float) -> CapturedFrame | None:
        with self._ready:
            self._ready.wait_for(lambda: self._frame is not None, timeout)
            captured, self._frame = self._frame, None
            return captured


class Naive:
    """The baseline: one thread per camera, each with its own detector: read, detect one frame, track."""

    def __init__(self, model: Path, clips: list[list[np.ndarray]]) -> None:
        self.model = model
        self.clips = clips
        self.detectors: list[Detector] = []  # kept between measurements: a session takes a while to load

    def _loop(self, index: int, mailbox: Mailbox) -> Callable[[threading.Event], None]:
        detector, pipeline = self.detectors[index], CameraPipeline(camera(index), {})

        def loop(stop: threading.Event) -> None:
            # Runs until stopped and its mailbox is empty: the frame taken last is counted, as the
            # chain's frames in flight are.
            while (captured := mailbox.take(0.1)) is not None or not stop.is_set():
                if captured is not None:
                    detections = detector.detect([captured.image])[0]
                    pipeline.process(
                        detections, captured.image, captured.frame, captured.time_s, captured.captured_at
                    )
                    mailbox.counters.add(analysed=1)

        return loop

    async def measure(self, count: int, fps: float, seconds: float) -> Step:
        """Feed `count` cameras at `fps` for `seconds`."""
        return await asyncio.to_thread(self._measure, count, fps, seconds)

    def _measure(self, count: int, fps: float, seconds: float) -> Step:
        self.detectors += [Detector(self.model, "cpu") for _ in range(count - len(self.detectors))]
        mailboxes = {camera(i).id: Mailbox() for i in range(count)}

        def submit(captured: CapturedFrame) -> None:
            mailboxes[captured.camera_id].put(captured)

        with running([self._loop(i, mailbox) for i, mailbox in enumerate(mailboxes.values())]):
            run_feeds(feeds(self.clips, list(mailboxes), submit, fps), seconds)
        return step(count, fps, seconds, totals([m.counters for m in mailboxes.values()]))


class Chain:
    """The bridge's side of the real chain with a real daemon process; counts and alert latencies."""

    def __init__(
        self,
        model: Path,
        clips: list[list[np.ndarray]],
        cameras: list[CameraConfig],
        batch_size: int,
        workdir: Path,
    ) -> None:
        self.clips = clips
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

    async def measure(self, count: int, fps: float, seconds: float) -> Step:
        """Feed the first `count` cameras at `fps` for `seconds`."""
        counters = [self.client.counters[c.id] for c in self.cameras[:count]]
        before = totals(counters)
        ids = [c.id for c in self.cameras[:count]]
        await asyncio.to_thread(run_feeds, feeds(self.clips, ids, self.client.submit, fps), seconds)
        await asyncio.sleep(1.0)  # let the frames in flight come back
        return step(count, fps, seconds, totals(counters), before)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def alert_latency(chain: Chain, workdir: Path, seconds: float) -> list[float]:
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
            *(sys.executable, "-m", "genetec_bridge.lab.cli", "fake-websdk", "--port", str(port)),
            *("--cameras", str(inventory), "--record", str(record)),
        ],
        env={**os.environ, "FAKE_WEBSDK_PASSWORD": password},
        stdout=subprocess.DEVNULL,
    )
    client = WebSdkClient(f"http://127.0.0.1:{port}/WebSdk", "admin", password)
    outbox = Outbox(workdir / "outbox.sqlite3")
    delivery = DeliveryService(client, outbox, max_events_per_minute_per_camera=100_000)
    routing = AlertRouting(custom_event_id=7001, custom_event_name="bench intrusion", mode="live")
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
        ids = [c.id for c in cameras]
        await asyncio.to_thread(run_feeds, feeds(chain.clips, ids, chain.client.submit, TARGET_FPS), seconds)
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


class Rig(Protocol):
    """The chain or the naive baseline, measured the same way."""

    async def measure(self, count: int, fps: float, seconds: float) -> Step: ...


@dataclass
class Figures:
    """One rig's figures; `steps` are the camera counts tried at TARGET_FPS, in the order tried."""

    throughput_fps: float
    sustained_cameras: int
    steps: list[Step]


async def sustained(rig: Rig, max_cameras: int, seconds: float) -> tuple[int, list[Step]]:
    """The largest camera count, up to `max_cameras`, fed at TARGET_FPS with under MAX_DROP dropped.

    Doubles from 1 until a count fails, then bisects between the last passing and the first failing
    count, so the figure is exact in about 2·log2(max_cameras) measurements. Assumes drops grow with
    the camera count; on a noisy machine a single step can still be off by one.
    """
    steps: list[Step] = []
    good, bad, count = 0, max_cameras + 1, 1
    while good + 1 < bad:
        steps.append(await rig.measure(count, TARGET_FPS, seconds))
        if steps[-1].dropped < MAX_DROP:
            good = count
        else:
            bad = count
        count = min(2 * good, max_cameras) if bad > max_cameras else (good + bad) // 2
    return good, steps


async def measure_rig(rig: Rig, max_cameras: int, seconds: float) -> Figures:
    # Two cameras offered far more than can be analysed: the top rate.
    throughput = await rig.measure(2, 30.0, seconds)
    return Figures(throughput.analysed_fps, *await sustained(rig, max_cameras, seconds))


@asynccontextmanager
async def started_chain(
    model: Path, clips: list[list[np.ndarray]], max_cameras: int, batch_size: int, workdir: Path
) -> AsyncIterator[Chain]:
    """A chain whose daemon is connected, with spare cameras for the latency measurement."""
    cameras = [camera(i) for i in range(max_cameras + LATENCY_CAMERAS)]
    chain = Chain(model, clips, cameras, batch_size, workdir)
    supervising = asyncio.create_task(chain.supervisor.run())
    try:
        for _ in range(1200):
            if chain.client.connected:
                break
            await asyncio.sleep(0.1)
        yield chain
    finally:
        supervising.cancel()
        await asyncio.gather(supervising, return_exceptions=True)
        chain.client.close()


@dataclass
class Report:
    cores: int
    seconds_per_step: float
    batch_size: int
    chain: Figures
    naive: Figures
    latency_ms: list[float]  # chain only: the naive loop has no alert delivery
    run_s: float = 0.0

    def ratios(self) -> dict[str, float]:
        return {
            "throughput": self.chain.throughput_fps / max(self.naive.throughput_fps, 1e-9),
            "sustained_cameras": self.chain.sustained_cameras / max(self.naive.sustained_cameras, 1),
        }

    def latency(self) -> dict[str, float]:
        return {
            "alerts": len(self.latency_ms),
            **{f"p{q}": _percentile(self.latency_ms, q) for q in (50, 95)},
        }

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "latency": self.latency(), "ratios": self.ratios()}

    def rows(self) -> list[tuple[str, str, str, str]]:
        chain, naive, ratios, latency = self.chain, self.naive, self.ratios(), self.latency()
        return [
            ("figure", "chain", "naive", "chain / naive"),
            ("analysed frames/s", f"{chain.throughput_fps:.1f}", f"{naive.throughput_fps:.1f}", ""),
            (
                "analysed frames/s per core",
                f"{chain.throughput_fps / self.cores:.1f}",
                f"{naive.throughput_fps / self.cores:.1f}",
                f"{ratios['throughput']:.2f}",
            ),
            (
                f"cameras at {TARGET_FPS:g} fps, < {MAX_DROP:.0%} dropped",
                str(chain.sustained_cameras),
                str(naive.sustained_cameras),
                f"{ratios['sustained_cameras']:.2f}",
            ),
            (
                f"alert latency p50 / p95 ({latency['alerts']:.0f} alerts)",
                f"{latency['p50']:.0f} / {latency['p95']:.0f} ms",
                "n/a",
                "",
            ),
        ]

    def lines(self) -> list[str]:
        rows = self.rows()
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        return [
            f"machine: {self.cores} CPU core(s), detector on CPU, daemon batch {self.batch_size}, "
            f"{self.seconds_per_step:g} s per measurement",
            _steps_line("chain", self.chain),
            _steps_line("naive", self.naive),
            "",
            *("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows),
            f"run time: {self.run_s:.0f} s",
        ]


def _steps_line(name: str, figures: Figures) -> str:
    steps = sorted(figures.steps, key=lambda s: s.cameras)
    tried = ", ".join(f"{s.cameras} → {s.dropped:.1%}" for s in steps)
    return f"{name}, frames dropped with N cameras at {TARGET_FPS:g} fps: {tried}"


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def run_bench(assets: Path, seconds: float, max_cameras: int, batch_size: int) -> Report:
    started = time.monotonic()
    model = assets / "models/yolox_nano.onnx"
    clips = [decode(assets / clip, 100) for clip in CLIPS]
    # The naive rig goes first, with no daemon process yet to share the cores with.
    naive = await measure_rig(Naive(model, clips), max_cameras, seconds)
    with tempfile.TemporaryDirectory() as tmp:
        async with started_chain(model, clips, max_cameras, batch_size, Path(tmp)) as chain:
            figures = await measure_rig(chain, max_cameras, seconds)
            latencies = await alert_latency(chain, Path(tmp), seconds)
    report = Report(cores(), seconds, batch_size, figures, naive, [round(s * 1000, 1) for s in latencies])
    report.run_s = time.monotonic() - started
    return report


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("bench", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument("--assets", type=Path, required=True, help="Asset directory (models/, data/).")
    parser.add_argument("--seconds", type=float, default=8.0, help="Length of each measurement.")
    parser.add_argument("--max-cameras", type=int, default=16, help="Largest camera count tried.")
    parser.add_argument("--batch-size", type=int, default=8, help="Daemon batch size.")
    parser.add_argument("--json", type=Path, help="Also write the results as JSON to this file.")
    parser.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    report = asyncio.run(run_bench(args.assets, args.seconds, args.max_cameras, args.batch_size))
    print("\n".join(report.lines()))
    if args.json is not None:
        args.json.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    return 0
