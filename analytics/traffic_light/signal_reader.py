"""Traffic-signal state read from the pixels of a configured region around the lamps.

The only skill input taken from pixels: the lit lamp's colour inside a small normalised polygon.
A lamp is lit where the HSV value reaches `min_brightness` with a clear colour; red and green are
told apart by hue. A new colour must be seen for `hold_s` before the state changes, so a flash of
sun, a passing bus or one noisy frame does not flip the signal.
"""

import cv2
import numpy as np

from analytics.config.camera import CameraConfig
from analytics.frame_tracks import SignalState
from analytics.skills.red_light import RedLightConfig, SignalConfig

# OpenCV hue runs 0–179: red wraps around 0, green sits around 60 (LED greens lean towards cyan).
_RED_HUES = ((0, 10), (170, 179))
_GREEN_HUES = ((40, 95),)
# Below this saturation a bright pixel is white or grey (a reflection, the housing in the sun).
_MIN_SATURATION = 90
# Share of the region's pixels that must be lit in one colour: a lamp fills a few percent of a
# region drawn around the whole light, a stray bright pixel does not.
_MIN_LIT_SHARE = 0.02


class SignalReader:
    """Reads one signal region; keeps the state held across frames."""

    def __init__(self, config: SignalConfig) -> None:
        if config.region is None:
            raise ValueError("only a signal read from video, with a region, can be read from pixels")
        self._config = config
        self._region = config.region
        self._mask: np.ndarray | None = None
        self._state = SignalState.UNKNOWN
        self._candidate = SignalState.UNKNOWN
        self._candidate_since_s = 0.0

    def read(self, image_bgr: np.ndarray, time_s: float) -> SignalState:
        seen = self._colour(image_bgr)
        if seen != self._candidate:
            self._candidate, self._candidate_since_s = seen, time_s
        if time_s - self._candidate_since_s >= self._config.hold_s:
            self._state = self._candidate
        return self._state

    def _colour(self, image_bgr: np.ndarray) -> SignalState:
        mask = self._region_mask(image_bgr.shape[:2])
        x, y, w, h = cv2.boundingRect(mask)
        hsv = cv2.cvtColor(image_bgr[y : y + h, x : x + w], cv2.COLOR_BGR2HSV)
        inside = mask[y : y + h, x : x + w] > 0
        hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        lit = inside & (val >= self._config.min_brightness) & (sat >= _MIN_SATURATION)
        red = _share(lit & _hue_in(hue, _RED_HUES), inside)
        green = _share(lit & _hue_in(hue, _GREEN_HUES), inside)
        if max(red, green) < _MIN_LIT_SHARE:
            return SignalState.UNKNOWN
        return SignalState.RED if red > green else SignalState.GREEN

    def _region_mask(self, shape: tuple[int, int]) -> np.ndarray:
        if self._mask is None or self._mask.shape != shape:
            height, width = shape
            polygon = np.array([[x * (width - 1), y * (height - 1)] for x, y in self._region])
            self._mask = np.zeros(shape, np.uint8)
            cv2.fillPoly(self._mask, [np.round(polygon).astype(np.int32)], 255)
        return self._mask


def _hue_in(hue: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    result = np.zeros(hue.shape, bool)
    for low, high in ranges:
        result |= (hue >= low) & (hue <= high)
    return result


def _share(selected: np.ndarray, inside: np.ndarray) -> float:
    return float(selected.sum()) / max(1, int(inside.sum()))


def signal_readers(camera: CameraConfig) -> dict[str, SignalReader]:
    """One reader per red-light skill of the camera whose signal is read from video, by skill label."""
    return {
        skill.label: SignalReader(skill.signal)
        for skill in camera.skills
        if isinstance(skill, RedLightConfig) and skill.signal.source == "video"
    }
