"""A frame as it leaves a camera reader: decoded, downscaled, privacy-masked, timestamped."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np


@dataclass(frozen=True, slots=True)
class CapturedFrame:
    """`time_s` counts seconds from the reader's first frame (capture clock); `frame` is 1-based."""

    camera_id: str
    image: np.ndarray
    frame: int
    time_s: float
    captured_at: datetime
