"""What a decoded frame goes through before it leaves the reader: downscale, then privacy masks."""

from collections.abc import Sequence

import cv2
import numpy as np

from analytics.geometry.coordinates import Point
from analytics.privacy_masks import apply_privacy_masks


def downscale(image: np.ndarray, max_width: int) -> np.ndarray:
    """`image` no wider than `max_width`, aspect kept; never upscaled."""
    height, width = image.shape[:2]
    if width <= max_width:
        return image
    size = (max_width, max(1, round(height * max_width / width)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def prepare_image(image: np.ndarray, max_width: int, masks: Sequence[Sequence[Point]]) -> np.ndarray:
    # Masks are normalised, so blanking after the downscale covers the same region at less cost.
    return apply_privacy_masks(downscale(image, max_width), masks)
