"""Traffic-signal state read from the pixels of a configured region around the lamps.

The only skill input taken from pixels. The region is drawn around the signal head's lamps (not
its countdown display) and is split along its long axis into one cell per lamp, in the configured
order (red, amber, green from the top by default). A lamp is lit when its own colour stands out in
its cell against the head itself, and not elsewhere in the head:

- every pixel is compared with the head's median colour (mostly dark housing and unlit lamps), so
  a blue cast at dusk, a white balance or a grey sky behind the head shift the reference, not the
  verdict;
- a lamp's colour excess is the channel difference that makes its colour (red: R over G and B;
  amber: R and G over B; green: G over R, which holds for green and for cyan LEDs alike), taken in
  the brightest tenth of its cell, which an 11-pixel lamp fills even inside a loosely drawn cell;
- the lamp is lit when that excess is at least `dominance` times the same colour's excess in the
  other cells, and above the noise of compressed 8-bit video. Glare washes the colour out of the
  whole head and a reflection puts it in every cell: neither passes.

Exactly one lit lamp gives the state; amber, no lamp or two lamps give `unknown`, which never
alerts and is never taken as green. A new state must hold for `hold_s` before it is reported, so a
passing bus or one noisy frame does not flip the signal.

Each read also gives its `confidence`: the share of the lamp reads of the last second (this frame's
included) that showed the reported state. A steady lamp reads 1.0; a state just reported after its
hold, a flickering LED or a head half hidden by a passing truck read less, and an alert carries the
figure so that the person who reviews it sees how sure the read was.
"""

from collections import deque

import cv2
import numpy as np

from analytics.config.camera import CameraConfig
from analytics.frame_tracks import SignalState
from analytics.skills.red_light import LampColour, RedLightConfig, SignalConfig

# The share of a lamp's cell read as the lamp: a lit 11-pixel lamp in a cell drawn a few pixels
# too large still covers well over a tenth of it.
_LAMP_PERCENTILE = 90
# Colour differences below this many levels (of 255) are compression noise and housing texture.
_NOISE_LEVELS = 8.0
# The window of lamp reads the confidence is the agreement of.
CONFIDENCE_WINDOW_S = 1.0
_STATE_OF_LAMP = {"red": SignalState.RED, "green": SignalState.GREEN, "amber": SignalState.UNKNOWN}


def colour_excess(deviation: np.ndarray, colour: LampColour) -> np.ndarray:
    """How much each pixel leans towards `colour` beyond the reference; `deviation` is (..., BGR)."""
    blue, green, red = deviation[..., 0], deviation[..., 1], deviation[..., 2]
    if colour == "red":
        return red - np.maximum(green, blue)
    if colour == "amber":
        return np.minimum(red, green) - blue
    return green - red


class SignalReader:
    """Reads one signal region; keeps the state held across frames."""

    def __init__(self, config: SignalConfig) -> None:
        if config.region is None:
            raise ValueError("only a signal read from video, with a region, can be read from pixels")
        self.config = config
        self._cells: list[np.ndarray] | None = None
        self._shape: tuple[int, int] | None = None
        self._state = SignalState.UNKNOWN
        self._candidate = SignalState.UNKNOWN
        self._candidate_since_s = 0.0
        self._recent: deque[tuple[float, SignalState]] = deque()

    def read(self, image_bgr: np.ndarray, time_s: float) -> SignalState:
        seen = self.lamp_state(image_bgr)
        if seen != self._candidate:
            self._candidate, self._candidate_since_s = seen, time_s
        if time_s - self._candidate_since_s >= self.config.hold_s:
            self._state = self._candidate
        self._recent.append((time_s, seen))
        while self._recent[0][0] <= time_s - CONFIDENCE_WINDOW_S:
            self._recent.popleft()
        return self._state

    @property
    def confidence(self) -> float:
        """The share of the last second's lamp reads that agree with the reported state."""
        if not self._recent:
            return 0.0
        return sum(seen == self._state for _, seen in self._recent) / len(self._recent)

    def lamp_state(self, image_bgr: np.ndarray) -> SignalState:
        """The state this one image shows, before any holding."""
        lit = self.lit_lamps(image_bgr)
        return _STATE_OF_LAMP[lit[0]] if len(lit) == 1 else SignalState.UNKNOWN

    def lit_lamps(self, image_bgr: np.ndarray) -> list[LampColour]:
        cells = self._cell_pixels(image_bgr)
        reference = np.median(np.concatenate(cells), axis=0)
        deviations = [cell - reference for cell in cells]
        lamps = self.config.lamps
        lit = []
        for index, colour in enumerate(lamps):
            excess = [float(np.percentile(colour_excess(d, colour), _LAMP_PERCENTILE)) for d in deviations]
            elsewhere = max(max(e for i, e in enumerate(excess) if i != index), _NOISE_LEVELS)
            if excess[index] >= self.config.dominance * elsewhere:
                lit.append(colour)
        return lit

    def _cell_pixels(self, image_bgr: np.ndarray) -> list[np.ndarray]:
        """Pixels (N × BGR, float) of each lamp's cell, in the order of `lamps`."""
        if self._cells is None or self._shape != image_bgr.shape[:2]:
            self._shape = image_bgr.shape[:2]
            self._cells = _cell_indexes(self.config, self._shape)
        flat = image_bgr.reshape(-1, 3)
        return [flat[cell].astype(np.float32) for cell in self._cells]


def _cell_indexes(config: SignalConfig, shape: tuple[int, int]) -> list[np.ndarray]:
    """Flat pixel indexes of each lamp's cell: the region cut into equal slices along its long axis."""
    assert config.region is not None
    height, width = shape
    polygon = np.array([[x * (width - 1), y * (height - 1)] for x, y in config.region])
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(polygon).astype(np.int32)], 255)
    rows, cols = np.nonzero(mask)
    x, y, w, h = cv2.boundingRect(mask)
    along, start, length = (rows, y, h) if h >= w else (cols, x, w)
    slot = np.minimum((along - start) * len(config.lamps) // max(length, 1), len(config.lamps) - 1)
    flat = rows * width + cols
    cells = [flat[slot == k] for k in range(len(config.lamps))]
    if any(cell.size == 0 for cell in cells):
        raise ValueError("the signal region is too small to hold one cell per lamp at this resolution")
    return cells


def signal_readers(camera: CameraConfig) -> dict[str, SignalReader]:
    """One reader per red-light skill of the camera whose signal is read from video, by skill label."""
    return {
        skill.label: SignalReader(skill.signal)
        for skill in camera.skills
        if isinstance(skill, RedLightConfig) and skill.signal.source == "video"
    }
