"""The PETS 2009 clip as a camera: its reference zones as a CameraConfig, its frames as a reader
would hand them over, fed in real time."""

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import cv2

from analytics.camera_config import CameraConfig, Zone
from analytics.skills.registry import SkillConfig
from genetec_bridge.ingest.captured_frame import CapturedFrame

PETS_FPS = 7.0  # the true rate; the file header says 10


def pets_camera(
    scene_json: Path, camera_id: str, skills: list[SkillConfig], fps: float = 5.0
) -> CameraConfig:
    scene = json.loads(scene_json.read_text())
    zones = [Zone(name=name, polygon=points) for name, points in scene["zones"].items()]
    return CameraConfig(id=camera_id, name="PETS", fps=fps, zones=zones, skills=skills)


def decode_frames(video: Path, count: int) -> list:
    capture = cv2.VideoCapture(str(video))
    frames = []
    while len(frames) < count:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(image)
    capture.release()
    assert frames, f"no frame decoded from {video}"
    return frames


class Feeder:
    """Hands frames of a decoded clip to `submit` at `fps` in a thread, looping, as a live camera."""

    def __init__(
        self, images: list, camera_id: str, submit: Callable[[CapturedFrame], None], fps: float
    ) -> None:
        self._images = images
        self._camera_id = camera_id
        self._submit = submit
        self._fps = fps
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Feeder":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        started = time.monotonic()
        frame = 0
        while not self._stop.is_set():
            image = self._images[frame % len(self._images)]
            frame += 1
            self._submit(
                CapturedFrame(self._camera_id, image, frame, (frame - 1) / self._fps, datetime.now(UTC))
            )
            self._stop.wait(max(0.0, started + frame / self._fps - time.monotonic()))
