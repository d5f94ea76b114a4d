"""A clean picture: the editor's snapshot and the readers' frames of PETS, served by the lab's RTSP
server (H.264 over RTSP, as the demo runs it), have detail in every row band of the frame.

Detail of a band: the variance down each column within the band, averaged over the columns. A smeared
part of a frame is vertical streaks (each column one colour): its detail falls near zero. The threshold
is measured on the file itself: half the least detail of any band of any of its frames, decoded
straight from the file (about 410 for PETS, so a threshold near 205; smeared bands measured 5 to 70).
"""

import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from analytics.config.camera import CameraConfig
from genetec_bridge.box.snapshot import snapshot_jpeg
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings
from genetec_bridge.lab.rtsp_server_process import RtspServerProcess
from tests.support.rtsp_server_process import CAMERA_A, PETS, PETS_FPS, start_rtsp_server

pytestmark = pytest.mark.timeout(180)

BANDS = 8
SETTINGS = ReaderSettings(open_timeout_s=5, stall_timeout_s=5, backoff_initial_s=0.2, backoff_max_s=0.5)


def band_detail(image: np.ndarray) -> list[float]:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    height = gray.shape[0]
    return [
        float(gray[band * height // BANDS : (band + 1) * height // BANDS].var(axis=0).mean())
        for band in range(BANDS)
    ]


@pytest.fixture(scope="module")
def clean_threshold(shared_asset: Callable[[str], Path]) -> float:
    capture = cv2.VideoCapture(str(shared_asset(PETS)))
    least: list[float] = []
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            least.append(min(band_detail(image)))
    finally:
        capture.release()
    assert len(least) > 700, "the whole of PETS decoded from the file"
    return min(least) / 2


@pytest.fixture(scope="module")
def server(shared_asset: Callable[[str], Path]) -> Iterator[RtspServerProcess]:
    with start_rtsp_server(shared_asset(PETS), [CAMERA_A], PETS_FPS) as served:
        yield served


def site(server: RtspServerProcess) -> SiteConfig:
    return SiteConfig.model_validate(
        {
            "genetec": {"url": "https://sc.city.local/WebSdk", "username": "sdk", "password": "sdk-pw"},
            "media_gateway": {"host": "127.0.0.1", "port": server.port},
            "cameras": [{"id": CAMERA_A, "fps": 5}],
        }
    )


def smeared_bands(image: np.ndarray, threshold: float) -> list[int]:
    return [band for band, detail in enumerate(band_detail(image)) if detail < threshold]


def test_every_snapshot_of_pets_has_detail_in_every_row_band(
    server: RtspServerProcess, clean_threshold: float
) -> None:
    config = site(server)
    pictures = []
    for _ in range(5):
        jpeg = snapshot_jpeg(config, config.cameras[0], SETTINGS)
        pictures.append(cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR))
        time.sleep(0.5)  # another moment of the loop, another place in its key-frame interval

    assert len(pictures) == 5 and all(p.shape == (576, 768, 3) for p in pictures)
    smeared = {
        index: bands for index, p in enumerate(pictures) if (bands := smeared_bands(p, clean_threshold))
    }
    assert smeared == {}, f"snapshots with bands below {clean_threshold:.0f}: {smeared}"


def test_every_frame_the_readers_get_has_detail_in_every_row_band(
    server: RtspServerProcess, clean_threshold: float
) -> None:
    """The demo's analysis sees what the readers decode: 30 frames in a row, joined mid-stream."""
    frames: queue.Queue[CapturedFrame] = queue.Queue()
    reader = CameraReader(
        CameraConfig(id=CAMERA_A, fps=10), server.url(f"/{CAMERA_A}/live"), frames.put, SETTINGS
    )
    reader.start()
    got: list[CapturedFrame] = []
    try:
        deadline = time.monotonic() + 60
        while len(got) < 30 and time.monotonic() < deadline:
            try:
                got.append(frames.get(timeout=0.5))
            except queue.Empty:
                continue
    finally:
        reader.stop(timeout_s=10)

    assert len(got) == 30, f"30 frames read, {reader.status().last_error}"
    smeared = {f.frame: bands for f in got if (bands := smeared_bands(f.image, clean_threshold))}
    assert smeared == {}, f"frames with bands below {clean_threshold:.0f}: {smeared}"
