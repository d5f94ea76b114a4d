"""The RTSP test server (GStreamer rtsp-server) standing in for the Media Gateway, for any test.

with start_rtsp_server(shared_asset(PETS), [CAMERA_A], fps=PETS_FPS) as server:
    url = server.url(f"/{CAMERA_A}/live")
"""

from collections.abc import Sequence
from pathlib import Path

from genetec_bridge.lab.rtsp_server_process import RtspServerProcess

PETS = "data/pets09-s2l1/vtest.avi"
PETS_FPS = 7.0  # the header says 10; the sequence was shot at 7
CAMERA_A = "00000001-0000-babe-0000-00408ca1eb95"
CAMERA_B = "00000002-0000-babe-0000-00408ca1eb96"


def start_rtsp_server(
    video: Path,
    camera_ids: Sequence[str],
    fps: float | None,
    stream: str = "live",
    user: str | None = None,
    password: str | None = None,
    tls_certificate: Path | None = None,
) -> RtspServerProcess:
    """A started server on a free port, serving `video` in a loop at /<camera id>/<stream> for each camera."""
    mounts = {f"/{camera_id}/{stream}": (video, fps) for camera_id in camera_ids}
    return RtspServerProcess(mounts, user=user, password=password, tls_certificate=tls_certificate).start()
