"""A colour signature of each detection, for telling people apart when boxes alone cannot.

After an occlusion or a crossing, positions and sizes say little about who is who; the colours of
clothing say more. The signature is a coarse hue–saturation histogram (plus a few grey levels for
unsaturated pixels) of the box's middle, where the torso and legs are, in two halves (upper and
lower body). It lives only in the tracker's memory, with its track: dropped when the track is
dropped (`lost_track_s` after it was last seen), never stored, exported or compared across cameras.
"""

import cv2
import numpy as np

HUE_BINS = 8
SATURATION_BINS = 3
GREY_BINS = 4
MIN_SATURATION = 40  # below this, hue is noise: the pixel goes to a grey-level bin
SIZE = HUE_BINS * SATURATION_BINS + GREY_BINS


def _histogram(hsv: np.ndarray) -> np.ndarray:
    pixels = hsv.reshape(-1, 3).astype(int)
    if len(pixels) == 0:
        return np.zeros(SIZE)
    coloured = pixels[:, 1] >= MIN_SATURATION
    hue = pixels[coloured, 0] * HUE_BINS // 180
    saturation = (pixels[coloured, 1] - MIN_SATURATION) * SATURATION_BINS // (256 - MIN_SATURATION)
    counts = np.bincount(hue * SATURATION_BINS + saturation, minlength=HUE_BINS * SATURATION_BINS)
    grey = np.bincount(pixels[~coloured, 2] * GREY_BINS // 256, minlength=GREY_BINS)
    histogram = np.concatenate((counts, grey)).astype(float)
    return histogram / histogram.sum()


def signatures(image_bgr: np.ndarray, boxes_xyxy: np.ndarray) -> np.ndarray:
    """[N, 2 × SIZE] signatures of the boxes (pixels) in the image; zeros for an empty box."""
    height, width = image_bgr.shape[:2]
    result = np.zeros((len(boxes_xyxy), 2 * SIZE))
    for i, (x1, y1, x2, y2) in enumerate(boxes_xyxy):
        # The middle of the box: the edges hold background, the head and feet few pixels.
        w, h = x2 - x1, y2 - y1
        left, right = int(max(x1 + 0.2 * w, 0)), int(min(x2 - 0.2 * w, width))
        top, middle, bottom = int(max(y1 + 0.15 * h, 0)), int(y1 + 0.5 * h), int(min(y1 + 0.85 * h, height))
        if right <= left or bottom <= top:
            continue
        hsv = cv2.cvtColor(image_bgr[top:bottom, left:right], cv2.COLOR_BGR2HSV)
        split = max(min(middle - top, len(hsv)), 0)
        result[i] = np.concatenate((_histogram(hsv[:split]), _histogram(hsv[split:])))
    return result


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[len(a), len(b)] Hellinger distances (0 same colours, 1 nothing in common), halves averaged."""
    root_a, root_b = np.sqrt(a), np.sqrt(b)
    affinity = (root_a @ root_b.T) / 2  # each half sums to 1: two Bhattacharyya coefficients, averaged
    return np.sqrt(np.clip(1.0 - affinity, 0.0, 1.0))
