"""One fresh frame of a camera for the editor, read through the Media Gateway like the readers do
(over RTSPS the same certificate verification, and a certificate problem named in the error),
privacy masks blanked, as JPEG bytes held in memory only (never written anywhere).

The frame is decoded from a key frame: a stream joined between key frames decodes smeared (streaks,
ghosts of what moved) until the next one, so the snapshot reads on until a key frame has come and
SETTLE_FRAMES more have been decoded after it (in one decoding thread, so that the frame handed out
is the packet's, or a few later where the stream reorders frames), and shows the last. No key frame within KEY_FRAME_WAIT_S is an error, never a smeared picture.
"""

import time

import cv2
import numpy as np

from analytics.config.camera import CameraConfig
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.ingest.preprocess import prepare_image
from genetec_bridge.ingest.reader import (
    ReaderSettings,
    certificate_check,
    certificate_problem,
    open_capture,
    stream_tls,
)
from genetec_bridge.ingest.rtsp_url import camera_url

# Media Gateway streams carry a key frame every one to four seconds; a longer wait means a stream the
# snapshot cannot show cleanly.
KEY_FRAME_WAIT_S = 8.0
# Frames decoded after the key frame before the one shown: past a reordering decoder's delay.
SETTLE_FRAMES = 3


class SnapshotError(RuntimeError):
    """No frame could be read (camera or gateway down); the message holds no credentials."""


def snapshot_jpeg(site: SiteConfig, camera: CameraConfig, settings: ReaderSettings | None = None) -> bytes:
    """Blocking: open the camera's stream, decode one frame, close it."""
    settings = settings or ReaderSettings(transport=site.media_gateway.transport)
    gateway = site.gateway_for(camera)
    url = camera_url(gateway, camera.id, camera.stream)
    capture = open_capture(
        url,
        settings.transport,
        stream_tls(gateway),
        [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(settings.open_timeout_s * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(settings.stall_timeout_s * 1000),
            # One decoding thread: frame threading would hand each frame out a thread count later.
            cv2.CAP_PROP_N_THREADS,
            1,
        ],
    )
    try:
        if not capture.isOpened():
            problem = certificate_problem(certificate_check(gateway, settings))
            raise SnapshotError(
                f"no frame from camera {camera.id} through the Media Gateway"
                + (f": {problem}" if problem else "")
            )
        image = _frame_after_key_frame(capture, camera.id)
    finally:
        capture.release()
    prepared = prepare_image(image, settings.max_width, camera.privacy_masks)
    ok, encoded = cv2.imencode(".jpg", prepared, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise SnapshotError(f"frame of camera {camera.id} could not be encoded")
    return encoded.tobytes()


def _frame_after_key_frame(capture: cv2.VideoCapture, camera_id: str) -> np.ndarray:
    deadline = time.monotonic() + KEY_FRAME_WAIT_S
    after_key_frame: int | None = None
    while after_key_frame is None or after_key_frame < SETTLE_FRAMES:
        if not capture.grab():
            raise SnapshotError(f"no frame from camera {camera_id} through the Media Gateway")
        if after_key_frame is not None:
            after_key_frame += 1
        elif capture.get(cv2.CAP_PROP_LRF_HAS_KEY_FRAME):
            after_key_frame = 0
        elif time.monotonic() > deadline:
            raise SnapshotError(
                f"no key frame from camera {camera_id} within {KEY_FRAME_WAIT_S:.0f} s: "
                "its stream cannot be shown without smearing"
            )
    ok, image = capture.retrieve()
    if not ok or image is None:
        raise SnapshotError(f"no frame from camera {camera_id} through the Media Gateway")
    return image
