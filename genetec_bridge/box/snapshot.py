"""One fresh frame of a camera for the editor, read through the Media Gateway like the readers do
(over RTSPS the same certificate verification, and a certificate problem named in the error),
privacy masks blanked, as JPEG bytes held in memory only (never written anywhere)."""

import cv2

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

# Frames decoded before the one shown: about two seconds at the usual 10-15 fps of a Media Gateway stream.
WARM_UP_FRAMES = 25


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
        ],
    )
    ok, image = False, None
    try:
        if not capture.isOpened():
            problem = certificate_problem(certificate_check(gateway, settings))
            raise SnapshotError(
                f"no frame from camera {camera.id} through the Media Gateway"
                + (f": {problem}" if problem else "")
            )
        # A stream joined between key frames decodes smeared until the next one: read on for a
        # moment and keep the last frame.
        for _ in range(WARM_UP_FRAMES):
            if not capture.grab():
                break
            ok, image = capture.retrieve()
    finally:
        capture.release()
    if not ok or image is None:
        raise SnapshotError(f"no frame from camera {camera.id} through the Media Gateway")
    prepared = prepare_image(image, settings.max_width, camera.privacy_masks)
    ok, encoded = cv2.imencode(".jpg", prepared, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise SnapshotError(f"frame of camera {camera.id} could not be encoded")
    return encoded.tobytes()
