"""Privacy masks: regions of a frame blanked (black) before any analysis sees them or any frame
leaves the bridge."""

from collections.abc import Sequence

import cv2
import numpy as np

from analytics.geometry.coordinates import Point


def apply_privacy_masks(image: np.ndarray, masks: Sequence[Sequence[Point]]) -> np.ndarray:
    """`image` with every normalised polygon of `masks` filled black; the input is left untouched."""
    if not masks:
        return image
    height, width = image.shape[:2]
    # Normalised corners map to the far pixel edge: x = 1.0 is column width - 1.
    scale = np.array([width - 1, height - 1], dtype=np.float64)
    polygons = [np.rint(np.asarray(mask, dtype=np.float64) * scale).astype(np.int32) for mask in masks]
    masked = image.copy()
    cv2.fillPoly(masked, polygons, color=0)
    return masked
