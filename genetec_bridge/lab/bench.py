"""`make bench`: what the real chain sustains on this machine, beside a naive loop measured in the
same run (timings from different runs or machines are not comparable, ratios are).

The chain: decoded frames → shared memory → daemon (batching across cameras, motion gate, detector
on the installed model with ONNX Runtime's tuned settings, tracker, skills) → results; alert latency
goes on through the outbox and the delivery service to a fake Web SDK. The naive baseline is what a
first implementation does: one loop per camera in one process, each with its own detector (the model
as exported, 416×416 and batch 1, ONNX Runtime's default session settings), every frame detected.

A third rig is the same chain with the daemon's inference on a lab Triton Inference Server
(`genetec-lab triton`: tritonserver's Python backend running onnxruntime on this CPU, behind Triton's
dynamic batcher), started from the Triton environment (`make triton-venv`); --no-triton leaves it out.

All are measured by the same code, in two camera mixes (bench_clips: every camera busy, and a
city's mix where most cameras show still scenes): top throughput with two cameras offered 30 fps
each, then the largest camera count fed at 5 fps each with under 5 % of the frames dropped (a frame
superseded by a newer one of its camera before it was taken is dropped, on both sides) and 95 % of
the frames analysed within a frame period (200 ms) of their capture, the CPU time per analysed frame
of each stage, and the alert latency with that mix running beside it.

Last, the cost of detection tiles ([cameras.detection] tiles): the daemon's detector on the busy
mix's frames whole, on 2×2 and on 3×3 tiles, as CPU time against the whole frame's in this run.
"""

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np
import onnxruntime as ort

from analytics.assets import model_path
from analytics.camera_pipeline import CameraPipeline
from analytics.config.camera import AnalyticsSite, CameraConfig, Zone
from analytics.daemon.inference_choice import InferenceChoice
from analytics.detection import Detector
from analytics.detection.inference import OnnxRuntimeBackend
from analytics.detection.tiling import Tiling
from analytics.link.link_messages import FrameResult
from analytics.skills.base import AlertRouting
from analytics.skills.intrusion import IntrusionConfig
from analytics.stage_clock import StageClock
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.lab.bench_clips import Clip, Mix, mixes
from genetec_bridge.lab.bench_report import (
    TARGET_FPS,
    Figures,
    MixFigures,
    Report,
    Step,
    draw_dropped_frames,
    per_frame_ms,
)
from genetec_bridge.lab.triton.server_process import MODEL_NAME, TritonServerProcess, TritonVenvMissing
from genetec_bridge.link.daemon_client import CameraCounters, DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

LATENCY_CAMERAS = 2
GOLDEN_RATIO = (1 + 5**0.5) / 2
# Stream time runs on from one measurement to the next, as a camera's does: a pipeline never sees its
# clock go back.
EPOCH = time.monotonic()
# Triton's batcher may hold a request this long to merge it with others: short beside the 200 ms
# between two frames of a camera at 5 fps (the production config.pbtxt files use 2 ms on GPU).
TRITON_QUEUE_DELAY_US = 5_000
TILES_PER_SIDE = (1, 2, 3)
TILING_FRAMES_PER_CLIP = 10
# The whole frame: every person or vehicle is an intrusion at once, so latency is the chain's own.
WHOLE_FRAME = Zone(name="all", polygon=[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


def cores() -> int:
    return len(os.sched_getaffinity(0))


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
    phase: float = 0.0  # share of a frame period before the first frame
    submit_cpu_s: float = 0.0  # the bridge's side of the transport: ring write and message

    def run(self, stop: threading.Event) -> None:
        if stop.wait(self.phase / self.fps):
            return
        started = time.monotonic()
        frame = 0
        while not stop.is_set():
            frame += 1
            image = self.images[(frame - 1) % len(self.images)]
            cpu = time.thread_time()
            time_s = started - EPOCH + (frame - 1) / self.fps
            self.submit(CapturedFrame(self.camera_id, image, frame, time_s, datetime.now(UTC)))
            self.submit_cpu_s += time.thread_time() - cpu
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


def totals(counters: Sequence[CameraCounters]) -> tuple[int, int, int]:
    """(submitted, analysed, dropped) summed over cameras."""
    return (
        sum(c.submitted for c in counters),
        sum(c.analysed for c in counters),
        sum(c.dropped for c in counters),
    )


class Latencies:
    """Seconds from capture to analysis result of the frames analysed while a step runs."""

    def __init__(self) -> None:
        self._seconds: list[float] = []

    def add(self, captured_at: datetime) -> None:
        self._seconds.append((datetime.now(UTC) - captured_at).total_seconds())  # atomic in CPython

    def take_p95(self) -> float:
        seconds, self._seconds = self._seconds, []
        return float(np.percentile(seconds, 95)) if seconds else float("inf")


def step(
    count: int,
    fps: float,
    seconds: float,
    latency_p95_s: float,
    after: tuple[int, int, int],
    before: tuple[int, int, int] = (0, 0, 0),
) -> Step:
    submitted, analysed, dropped = (a - b for a, b in zip(after, before, strict=True))
    return Step(count, fps, analysed / seconds, dropped / max(submitted, 1), latency_p95_s)


def feeds(
    mix: Mix, camera_ids: Sequence[str], submit: Callable[[CapturedFrame], None], fps: float
) -> list[Feed]:
    """One feed per camera, each playing the mix's clip for its place.

    Cameras are not in step, their clocks are their own: camera i starts (i × golden ratio) mod 1 of a
    period late, spread as independent phases would be, the same in every run. All in step, every
    frame of a site would arrive at once and wait behind the others."""
    return [
        Feed(mix.clip_for(i).images, camera_id, submit, fps, phase=(i * GOLDEN_RATIO) % 1.0)
        for i, camera_id in enumerate(camera_ids)
    ]


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

    def __init__(self, model: Path, mix: Mix) -> None:
        self.model = model
        self.mix = mix
        self.detectors: list[Detector] = []  # kept between measurements: a session takes a while to load
        self.latencies = Latencies()

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
                    self.latencies.add(captured.captured_at)

        return loop

    async def measure(self, count: int, fps: float, seconds: float) -> Step:
        """Feed `count` cameras at `fps` for `seconds`."""
        return await asyncio.to_thread(self._measure, count, fps, seconds)

    def _measure(self, count: int, fps: float, seconds: float) -> Step:
        self.detectors += [self._detector() for _ in range(count - len(self.detectors))]
        mailboxes = {camera(i).id: Mailbox() for i in range(count)}

        def submit(captured: CapturedFrame) -> None:
            mailboxes[captured.camera_id].put(captured)

        self.latencies.take_p95()
        with running([self._loop(i, mailbox) for i, mailbox in enumerate(mailboxes.values())]):
            run_feeds(feeds(self.mix, list(mailboxes), submit, fps), seconds)
        counts = totals([m.counters for m in mailboxes.values()])
        return step(count, fps, seconds, self.latencies.take_p95(), counts)

    def _detector(self) -> Detector:
        return Detector(OnnxRuntimeBackend(self.model, "cpu", ort.SessionOptions()))

    def stage_cpu_ms(self, frames_per_clip: int = 10) -> dict[str, float]:
        """CPU milliseconds per frame and stage, one camera after another in this thread alone."""
        # Process time: ONNX Runtime's default settings run a frame on threads of its own.
        clock = StageClock(time.process_time)
        detector = self.detectors[0] if self.detectors else self._detector()
        analysed = 0
        for index, clip in enumerate(self.mix.clips):
            pipeline = CameraPipeline(camera(index), {}, clock)
            for n, image in enumerate(clip.images[:frames_per_clip]):
                with clock.measure("detection"):
                    detections = detector.detect([image])[0]
                pipeline.process(detections, image, n + 1, n / TARGET_FPS)
                analysed += 1
        decode_s = sum(c.decode_cpu_s * min(len(c.images), frames_per_clip) for c in self.mix.clips)
        return per_frame_ms({**clock.take(), "decode": decode_s}, analysed)


class Chain:
    """The bridge's side of the real chain with a real daemon process; counts and alert latencies."""

    def __init__(
        self,
        model: Path,
        mix: Mix,
        cameras: list[CameraConfig],
        batch_size: int,
        workdir: Path,
        inference: InferenceChoice | None = None,
        spares: int = 0,
    ) -> None:
        """The last `spares` cameras stay out of the measurements, for take_spares."""
        self.mix = mix
        self.cameras = cameras
        self._next_spare = len(cameras) - spares
        self.stage_cpu_s: Counter[str] = Counter()
        self.latencies = Latencies()
        self.enqueue: Callable[[FrameResult], Awaitable[None]] | None = None
        self.client = DaemonClient(AnalyticsSite(cameras=cameras), self._result)
        inference = inference or InferenceChoice()
        launch = DaemonLaunch(
            socket_path=workdir / f"run-{inference.tier}" / "daemon.sock",
            model=model,
            device="cpu",
            batch_size=batch_size,
            inference=inference,
        )
        self.supervisor = DaemonSupervisor(self.client, launch)

    def take_spares(self, count: int) -> list[CameraConfig]:
        """`count` cameras never fed before: fresh trackers and skills, every track new."""
        taken = self.cameras[self._next_spare : self._next_spare + count]
        if len(taken) < count:
            raise RuntimeError(f"bench: no {count} spare cameras left")
        self._next_spare += count
        return taken

    async def _result(self, result: FrameResult) -> None:
        self.latencies.add(result.captured_at)
        self.stage_cpu_s.update(result.stage_cpu_s)
        if self.enqueue is not None:
            await self.enqueue(result)

    async def measure(self, count: int, fps: float, seconds: float) -> Step:
        """Feed the first `count` cameras at `fps` for `seconds`."""
        counters = [self.client.counters[c.id] for c in self.cameras[:count]]
        before = totals(counters)
        ids = [c.id for c in self.cameras[:count]]
        self.latencies.take_p95()
        await asyncio.to_thread(run_feeds, feeds(self.mix, ids, self.client.submit, fps), seconds)
        await asyncio.sleep(1.0)  # let the frames in flight come back
        return step(count, fps, seconds, self.latencies.take_p95(), totals(counters), before)

    async def stage_cpu_ms(self, count: int, seconds: float) -> dict[str, float]:
        """CPU milliseconds per analysed frame and stage with `count` cameras at TARGET_FPS."""
        counters = [self.client.counters[c.id] for c in self.cameras[:count]]
        analysed_before = sum(c.analysed for c in counters)
        self.stage_cpu_s.clear()
        ids = [c.id for c in self.cameras[:count]]
        playing = feeds(self.mix, ids, self.client.submit, TARGET_FPS)
        await asyncio.to_thread(run_feeds, playing, seconds)
        await asyncio.sleep(1.0)
        analysed = sum(c.analysed for c in counters) - analysed_before
        decode_s = sum(self.mix.clip_for(i).decode_cpu_s * analysed / count for i in range(count))
        stages = {**self.stage_cpu_s, "decode": decode_s}
        stages["transport"] = stages.get("transport", 0.0) + sum(f.submit_cpu_s for f in playing)
        return per_frame_ms(stages, analysed)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def alert_latency(chain: Chain, workdir: Path, seconds: float, background: int) -> list[float]:
    """Seconds from the capture of the frame that decided an alert to its RaiseCustomEvent request
    reaching a fake Web SDK process: the chain's own delay. (The event itself is dated when its
    subject entered the zone, frames earlier: the tracker's confirmation and the skill's thresholds
    are settings, not the chain's speed.)

    Two spare cameras of the chain, never used before, show an empty scene for a second, then play
    the busy campus clip: their tracks are all new, so every person and vehicle raises an intrusion. Meanwhile the first `background`
    cameras play the chain's mix, so the latency is the one of a loaded daemon. They carry no alert
    routing, as most cameras of a site for most skills: their events are not delivered, so the figure
    is an alert's on a loaded box, not the one of an alert storm on every camera.
    """
    cameras = chain.take_spares(LATENCY_CAMERAS)
    workdir = Path(tempfile.mkdtemp(prefix="latency-", dir=workdir))  # each measurement its own record
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
    decided_at: dict[str, datetime] = {}
    try:
        for _ in range(100):
            try:
                await client.ensure_custom_events({routing.custom_event_id: "bench intrusion"})
                break
            except WebSdkError:
                await asyncio.sleep(0.2)

        routed = {c.id for c in cameras}

        async def enqueue(result: FrameResult) -> None:
            if result.camera in routed and result.events:
                decided_at.update((event.id, result.captured_at) for event in result.events)
                await delivery.enqueue_many([(event, routing) for event in result.events])

        chain.enqueue = enqueue
        delivering = asyncio.create_task(delivery.run())
        loaded = feeds(chain.mix, [c.id for c in chain.cameras[:background]], chain.client.submit, TARGET_FPS)
        busy = Mix("latency", chain.mix.clips[:1])
        spare_ids = [c.id for c in cameras]
        # A second of an empty scene first: the alerts are measured on running cameras, past their
        # first frames (shared memory set up, first detection), with every person still new.
        dark = Mix("dark", [Clip("dark", [np.zeros_like(busy.clips[0].images[0])], 0.0)])
        await asyncio.to_thread(
            run_feeds, loaded + feeds(dark, spare_ids, chain.client.submit, TARGET_FPS), 1.0
        )
        measured = feeds(busy, spare_ids, chain.client.submit, TARGET_FPS)
        await asyncio.to_thread(run_feeds, loaded + measured, seconds)
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
            captured = decided_at[json.loads(entry["payload"])["id"]]
            received = datetime.fromisoformat(entry["received_at"].replace("Z", "+00:00"))
            latencies.append((received - captured).total_seconds())
    return latencies


class Rig(Protocol):
    """The chain or the naive baseline, measured the same way."""

    async def measure(self, count: int, fps: float, seconds: float) -> Step: ...


async def sustained(rig: Rig, max_cameras: int, seconds: float) -> tuple[int, list[Step]]:
    """The largest camera count, up to `max_cameras`, fed at TARGET_FPS with under MAX_DROP dropped
    and frames analysed within MAX_ANALYSIS_LATENCY_S (p95).

    Doubles from 1 until a count fails, then bisects between the last passing and the first failing
    count, so the figure is exact in about 2·log2(max_cameras) measurements. Assumes drops grow with
    the camera count; on a noisy machine a single step can still be off by one.
    """
    steps: list[Step] = []
    good, bad, count = 0, max_cameras + 1, 1
    while good + 1 < bad:
        steps.append(await rig.measure(count, TARGET_FPS, seconds))
        if steps[-1].sustained:
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
    model: Path,
    mix: Mix,
    max_cameras: int,
    batch_size: int,
    workdir: Path,
    inference: InferenceChoice | None = None,
    latency_runs: int = 2,
) -> AsyncIterator[Chain]:
    """A chain whose daemon is connected, with spare cameras for `latency_runs` latency measurements."""
    spares = LATENCY_CAMERAS * latency_runs
    cameras = [camera(i) for i in range(max_cameras + spares)]
    chain = Chain(model, mix, cameras, batch_size, workdir, inference, spares)
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


async def measure_mix(
    chain: Chain,
    naive: Naive,
    mix: Mix,
    max_cameras: int,
    seconds: float,
    workdir: Path,
    triton: Chain | None = None,
) -> MixFigures:
    chain.mix = naive.mix = mix
    naive_figures = await measure_rig(naive, max_cameras, seconds)
    chain_figures = await measure_rig(chain, max_cameras, seconds)
    profiled = max(1, chain_figures.sustained_cameras)
    triton_figures, triton_latency = None, []
    if triton is not None:
        triton.mix = mix
        triton_figures = await measure_rig(triton, max_cameras, seconds)
        background = max(0, max(1, triton_figures.sustained_cameras) - LATENCY_CAMERAS)
        triton_latency = [
            round(s * 1000, 1) for s in await alert_latency(triton, workdir, seconds, background)
        ]
    return MixFigures(
        mix=mix.name,
        clips=[clip.name for clip in mix.clips],
        chain=chain_figures,
        naive=naive_figures,
        chain_stage_cpu_ms=await chain.stage_cpu_ms(profiled, seconds),
        naive_stage_cpu_ms=naive.stage_cpu_ms(),
        latency_ms=[
            round(s * 1000, 1)
            for s in await alert_latency(chain, workdir, seconds, max(0, profiled - LATENCY_CAMERAS))
        ],
        triton=triton_figures,
        triton_latency_ms=triton_latency,
    )


@asynccontextmanager
async def started_triton_chain(
    model: Path, mix: Mix, max_cameras: int, batch_size: int, workdir: Path
) -> AsyncIterator[Chain]:
    """The chain with its daemon inferring on a lab Triton server, started here and stopped after."""
    # Triton needs the batch axis dynamic: the model `make install` prepared.
    server = TritonServerProcess(model_path(), queue_delay_us=TRITON_QUEUE_DELAY_US, max_batch=2 * batch_size)
    await asyncio.to_thread(server.start)
    try:
        inference = InferenceChoice("triton", server.url, MODEL_NAME, timeout_s=10.0)
        async with started_chain(model, mix, max_cameras, batch_size, workdir, inference) as chain:
            yield chain
    finally:
        await asyncio.to_thread(server.stop)


def tiling_cpu_ratios(model: Path, clips: Sequence[Clip]) -> dict[int, float]:
    """CPU time to detect the clips' first frames on N×N tiles over that of the whole frames, with the
    daemon's detector (ONNX Runtime's tuned settings, frames on threads), nothing else running."""
    images = [image for clip in clips for image in clip.images[:TILING_FRAMES_PER_CLIP]]
    detector = Detector(OnnxRuntimeBackend(model, "cpu"))
    try:
        detector.detect(images[:1])  # the first inference pays for the session's warm-up
        spent = {}
        for per_side in TILES_PER_SIDE:
            started = time.process_time()
            detector.detect(images, [Tiling(per_side)] * len(images))
            spent[per_side] = time.process_time() - started
    finally:
        detector.close()
    return {per_side: round(spent[per_side] / spent[1], 2) for per_side in TILES_PER_SIDE}


async def run_bench(
    assets: Path, seconds: float, max_cameras: int, batch_size: int, triton: bool = True
) -> Report:
    started = time.monotonic()
    clip_mixes = mixes(assets)
    naive = Naive(assets / "models/yolox_nano.onnx", clip_mixes["busy"])
    model = model_path()  # what `make install` prepared: free batch and size
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with contextlib.AsyncExitStack() as rigs:
            chain = await rigs.enter_async_context(
                started_chain(model, clip_mixes["busy"], max_cameras, batch_size, workdir)
            )
            remote = None
            if triton:
                remote = await rigs.enter_async_context(
                    started_triton_chain(model, clip_mixes["busy"], max_cameras, batch_size, workdir)
                )
            for mix in clip_mixes.values():
                results.append(await measure_mix(chain, naive, mix, max_cameras, seconds, workdir, remote))
    tiles = tiling_cpu_ratios(model, clip_mixes["busy"].clips)
    return Report(cores(), seconds, batch_size, results, tiles, run_s=time.monotonic() - started)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("bench", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument("--assets", type=Path, required=True, help="Asset directory (models/, data/).")
    parser.add_argument("--seconds", type=float, default=8.0, help="Length of each measurement.")
    parser.add_argument("--max-cameras", type=int, default=40, help="Largest camera count tried.")
    parser.add_argument("--batch-size", type=int, default=8, help="Daemon batch size.")
    parser.add_argument(
        "--no-triton", action="store_true", help="Leave out the chain inferring through a lab Triton server."
    )
    parser.add_argument("--json", type=Path, help="Also write the results as JSON to this file.")
    parser.add_argument(
        "--chart", type=Path, help="Also draw frames dropped against camera count, per mix, as a PNG."
    )
    parser.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    try:
        report = asyncio.run(
            run_bench(args.assets, args.seconds, args.max_cameras, args.batch_size, not args.no_triton)
        )
    except TritonVenvMissing as error:
        print(f"bench: {error} (or run with --no-triton)", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    if args.json is not None:
        args.json.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    if args.chart is not None:
        draw_dropped_frames(report, args.chart)
    return 0
