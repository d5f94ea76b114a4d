"""The RTSP test server: readiness, Basic authentication, several mounts, clean stop."""

import contextlib
import queue
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.config.camera import CameraConfig
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings
from tests.support.rtsp_server_process import CAMERA_A, CAMERA_B, start_rtsp_server

pytestmark = pytest.mark.timeout(90)

URBAN = "data/traffic/urban-320x240.avi"


def first_frame(url: str, camera_id: str) -> tuple[CapturedFrame | None, str | None]:
    frames: queue.Queue[CapturedFrame] = queue.Queue()
    settings = ReaderSettings(open_timeout_s=5, stall_timeout_s=5, backoff_initial_s=5, backoff_max_s=5)
    reader = CameraReader(CameraConfig(id=camera_id, fps=10), url, frames.put, settings)
    reader.start()
    deadline = time.monotonic() + 15
    try:
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                return frames.get(timeout=0.2), None
            if reader.status().last_error is not None:
                break
        return None, reader.status().last_error
    finally:
        reader.stop(timeout_s=10)


def test_serves_each_mount_behind_basic_auth_and_stops_on_sigterm(
    shared_asset: Callable[[str], Path],
) -> None:
    server = start_rtsp_server(
        shared_asset(URBAN), [CAMERA_A, CAMERA_B], fps=None, user="viewer", password="p@ss:1"
    )
    try:
        for camera_id in (CAMERA_A, CAMERA_B):
            frame, _ = first_frame(server.url(f"/{camera_id}/live", with_credentials=True), camera_id)
            assert frame is not None and frame.image.shape == (240, 320, 3)
        frame, error = first_frame(server.url(f"/{CAMERA_A}/live"), CAMERA_A)
        assert frame is None and error is not None, "no credentials, no video"
    finally:
        exit_status = server.stop()
    assert exit_status == 0, f"stopped cleanly on SIGTERM\n{server.output()}"
    assert "Traceback" not in server.output()
