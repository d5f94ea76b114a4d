"""The motion gate: the detector runs on a frame only when something moved or a refresh is due.

Most city cameras, most of the time, show an empty street or parked cars: detecting every frame of
them buys nothing. The gate compares a small, blurred grey copy of each frame with a running
background; privacy masks are already black, so nothing behind them counts. A skipped frame is not
an empty scene: the pipeline hands the skills the objects of the last detection, at the new time.
"""

import cv2
import numpy as np

from analytics.config.motion import MotionConfig

SMALL_WIDTH = 160
# The background follows the scene in about two seconds at 5 fps: a car that parks stops counting as
# motion, a person walking does not blend in.
BACKGROUND_RATE = 0.1


class MotionGate:
    def __init__(self, config: MotionConfig) -> None:
        self._config = config
        self._background: np.ndarray | None = None
        self._last_detection_s: float | None = None

    def needs_detection(self, image: np.ndarray, time_s: float) -> bool:
        if not self._config.enabled:
            return True
        grey = _small_grey(image)
        moving = self._moving_share(grey) >= self._config.sensitivity
        last = self._last_detection_s
        # A clock that went back (stream restart) counts as due, never as recent.
        due = last is None or not 0 <= time_s - last < self._config.refresh_s
        if moving or due:
            self._last_detection_s = time_s
            return True
        return False

    def _moving_share(self, grey: np.ndarray) -> float:
        if self._background is None or self._background.shape != grey.shape:
            self._background = grey.astype(np.float32)
            return 1.0
        changed = cv2.absdiff(grey, cv2.convertScaleAbs(self._background)) > self._config.pixel_threshold
        cv2.accumulateWeighted(grey, self._background, BACKGROUND_RATE)
        return float(np.count_nonzero(changed)) / changed.size


def _small_grey(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    size = (SMALL_WIDTH, max(1, round(height * SMALL_WIDTH / width)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return cv2.GaussianBlur(grey, (5, 5), 0)
