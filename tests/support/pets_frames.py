"""Frames of the PETS clip in memory, for tests that feed a detector or a daemon directly."""

from pathlib import Path

import cv2
import numpy as np


def pets_frames(video: Path, every: int, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(video))
    frames, index = [], 0
    while len(frames) < count:
        ok, image = capture.read()
        assert ok, f"{video} ended after {index} frames"
        if index % every == 0:
            frames.append(image)
        index += 1
    capture.release()
    return frames
