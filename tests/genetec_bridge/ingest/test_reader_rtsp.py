"""Camera readers against the real RTSP test server streaming PETS at its true 7 fps."""

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from analytics.config.camera import CameraConfig
from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.status import BridgeStatus, CameraStatus
from genetec_bridge.ingest import reader as reader_module
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings
from genetec_bridge.supervision import Loops
from tests.support.rtsp_server_process import CAMERA_A, CAMERA_B, PETS, PETS_FPS, start_rtsp_server

pytestmark = pytest.mark.timeout(150)

LEFT_HALF = [[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]
QUICK_RETRY = ReaderSettings(max_width=384, backoff_initial_s=0.5, backoff_max_s=2.0)


@pytest.fixture
def pets(shared_asset: Callable[[str], Path]) -> Path:
    return shared_asset(PETS)


@pytest.fixture
def readers() -> Iterator[list[CameraReader]]:
    started: list[CameraReader] = []
    yield started
    for reader in started:
        reader.stop(timeout_s=15)


def start_reader(
    readers: list[CameraReader],
    camera: CameraConfig,
    url: str,
    settings: ReaderSettings = QUICK_RETRY,
    loops: Loops | None = None,
) -> "queue.Queue[CapturedFrame]":
    frames: queue.Queue[CapturedFrame] = queue.Queue()
    reader = CameraReader(camera, url, frames.put, settings, loops)
    readers.append(reader)
    reader.start()
    return frames


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


def status_of(readers: list[CameraReader], camera_id: str) -> CameraStatus:
    return next(r.status() for r in readers if r.camera.id == camera_id)


def drain(frames: "queue.Queue[CapturedFrame]", count: int, timeout_s: float) -> list[CapturedFrame]:
    return [frames.get(timeout=timeout_s) for _ in range(count)]


def test_frames_arrive_paced_downscaled_and_masked(pets: Path, readers: list[CameraReader]) -> None:
    camera = CameraConfig(id=CAMERA_A, name="Parvis", fps=5, privacy_masks=[LEFT_HALF])
    with start_rtsp_server(pets, [CAMERA_A], fps=PETS_FPS) as server:
        frames = start_reader(readers, camera, server.url(f"/{CAMERA_A}/live"))
        drain(frames, 3, timeout_s=30)  # skip what the connection buffered while opening
        got = drain(frames, 25, timeout_s=10)
        status = readers[0].status()

    assert {f.camera_id for f in got} == {CAMERA_A}
    assert all(f.image.shape == (288, 384, 3) for f in got), "768x576 downscaled to 384 wide, aspect kept"
    times = [f.time_s for f in got]
    assert all(b > a for a, b in itertools.pairwise(times)), "capture times increase"
    assert all(b.frame > a.frame for a, b in itertools.pairwise(got))
    assert all(b.captured_at >= a.captured_at for a, b in itertools.pairwise(got))
    # Paced on the capture clock: 7 fps in, 5 fps out (tolerance for a loaded machine's jitter).
    rate = (len(got) - 1) / (times[-1] - times[0])
    assert 3.5 <= rate <= 5.5, rate
    for f in got:
        assert int(f.image[:, : 384 // 2 - 1].max()) == 0, "masked half is black"
        assert int(f.image[:, 384 // 2 + 1 :].max()) > 0, "unmasked half shows the scene"
    assert status.streaming and status.frames_received > status.frames_delivered >= 28
    assert status.reconnects == 0 and status.last_error is None


def test_a_stopped_server_is_reconnected_while_another_camera_keeps_streaming(
    pets: Path, readers: list[CameraReader]
) -> None:
    camera_a = CameraConfig(id=CAMERA_A, fps=5)
    camera_b = CameraConfig(id=CAMERA_B, fps=5)
    server_a = start_rtsp_server(pets, [CAMERA_A], fps=PETS_FPS)
    try:
        with start_rtsp_server(pets, [CAMERA_B], fps=PETS_FPS) as server_b:
            frames_a = start_reader(readers, camera_a, server_a.url(f"/{CAMERA_A}/live"))
            frames_b = start_reader(readers, camera_b, server_b.url(f"/{CAMERA_B}/live"))
            drain(frames_a, 3, timeout_s=30)
            drain(frames_b, 3, timeout_s=30)

            server_a.stop()
            wait_until(lambda: not status_of(readers, CAMERA_A).streaming, 15, "camera A not streaming")
            outage_end = time.monotonic() + 20
            while time.monotonic() < outage_end:
                # Camera B delivers throughout A's outage: a frame at least every few seconds.
                drain(frames_b, 1, timeout_s=3)
                assert not status_of(readers, CAMERA_A).streaming
            down = status_of(readers, CAMERA_A)
            assert down.reconnects >= 2, "kept retrying during the outage"
            assert down.last_error is not None

            while not frames_a.empty():
                frames_a.get_nowait()
            server_a.start()  # same port: the reader's URL is valid again
            back = drain(frames_a, 5, timeout_s=30)
            wait_until(lambda: status_of(readers, CAMERA_A).streaming, 10, "camera A streaming again")
            assert status_of(readers, CAMERA_B).streaming
            assert status_of(readers, CAMERA_B).reconnects == 0
            assert all(b.time_s > a.time_s for a, b in itertools.pairwise(back))
    finally:
        server_a.stop()


def test_a_hung_server_trips_the_stall_watchdog(pets: Path, readers: list[CameraReader]) -> None:
    camera = CameraConfig(id=CAMERA_A, fps=5)
    settings = ReaderSettings(
        max_width=384, stall_timeout_s=3, open_timeout_s=3, backoff_initial_s=0.5, backoff_max_s=1
    )
    with start_rtsp_server(pets, [CAMERA_A], fps=PETS_FPS) as server:
        frames = start_reader(readers, camera, server.url(f"/{CAMERA_A}/live"), settings)
        drain(frames, 3, timeout_s=30)
        server.pause()
        wait_until(lambda: not readers[0].status().streaming, 10, "stall noticed")
        wait_until(lambda: readers[0].status().reconnects >= 1, 15, "a reconnect after the stall")
        assert "stalled" in (readers[0].status().last_error or "")
        server.resume()
        while not frames.empty():
            frames.get_nowait()
        drain(frames, 3, timeout_s=30)
        assert readers[0].status().streaming


def test_an_unreachable_gateway_is_retried_and_reported_without_its_password(
    readers: list[CameraReader], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Port 9 (discard): nothing listens there.
    url = f"rtsp://operator:S3cret%40x@127.0.0.1:9/{CAMERA_A}/live"
    start_reader(readers, CameraConfig(id=CAMERA_A), url)
    wait_until(lambda: readers[0].status().reconnects >= 2, 20, "retries")
    status = readers[0].status()
    assert not status.streaming and status.frames_received == 0
    assert status.last_error is not None and "operator:***@" in status.last_error
    everything = status.model_dump_json() + caplog.text
    assert "S3cret" not in everything


def test_an_unexpected_error_in_a_reader_is_counted_and_the_reader_restarts(
    pets: Path, readers: list[CameraReader], monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenCV fails on the 5th frame prepared (outside any error handling of the reader), then works.
    prepared = 0
    real_prepare = reader_module.prepare_image

    def failing_once(image: np.ndarray, *args: object) -> np.ndarray:
        nonlocal prepared
        prepared += 1
        if prepared == 5:
            raise cv2.error("OpenCV(4.10.0) resize.cpp:4152: error: (-215:Assertion failed) !ssize.empty()")
        return real_prepare(image, *args)

    monkeypatch.setattr(reader_module, "prepare_image", failing_once)
    loops = Loops(backoff_initial_s=0.2, backoff_max_s=0.5)
    with start_rtsp_server(pets, [CAMERA_A], fps=PETS_FPS) as server:
        frames = start_reader(
            readers, CameraConfig(id=CAMERA_A), server.url(f"/{CAMERA_A}/live"), loops=loops
        )
        drain(frames, 4, timeout_s=30)
        wait_until(lambda: loops.status()[0].restarts == 1, 15, "the failure counted")
        drain(frames, 5, timeout_s=30)  # the thread lives on: frames come again after the restart
        status = readers[0].status()

    [loop] = loops.status()
    assert loop.name == f"reader {CAMERA_A}" and loop.restarting
    assert loop.last_error is not None and loop.last_error.startswith("error: OpenCV")
    assert status.reconnects >= 1 and status.frames_delivered >= 9
    metrics = render_metrics(lambda: BridgeStatus(loops=loops.status())).decode()
    assert f'genetec_bridge_loop_restarts_total{{loop="reader {CAMERA_A}"}} 1.0' in metrics


def test_a_camera_down_for_more_than_a_thousand_back_off_steps_reconnects(
    pets: Path, readers: list[CameraReader]
) -> None:
    # Simulated time: each back-off wait moves the reader's clock on at once instead of sleeping.
    server = start_rtsp_server(pets, [CAMERA_A], fps=PETS_FPS)
    server.stop()  # its port is known and nothing listens on it: the camera is down
    skipped_s = 0.0
    waits = 0
    long_enough, back = threading.Event(), threading.Event()

    def clock() -> float:
        return time.monotonic() + skipped_s

    def pause(delay_s: float) -> None:
        nonlocal skipped_s, waits
        skipped_s += delay_s
        waits += 1
        if waits == 1100:
            long_enough.set()
            back.wait(60)  # the server comes back while the reader waits

    try:
        frames: queue.Queue[CapturedFrame] = queue.Queue()
        reader = CameraReader(
            CameraConfig(id=CAMERA_A),
            server.url(f"/{CAMERA_A}/live"),
            frames.put,
            ReaderSettings(max_width=384),
            clock=clock,
            pause=pause,
        )
        readers.append(reader)
        reader.start()
        assert long_enough.wait(120), f"only {waits} back-off waits"
        server.start()
        back.set()
        drain(frames, 3, timeout_s=30)
        status = reader.status()
    finally:
        server.stop()

    assert status.streaming and status.reconnects >= 1100
    assert skipped_s > 6 * 3600, f"{skipped_s / 3600:.1f} h of simulated outage at the 30 s cap"
