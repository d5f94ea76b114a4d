"""Fit a frame into the detector's square input without distorting it, and map boxes back."""

from dataclasses import dataclass

import cv2
import numpy as np

PAD_VALUE = 114  # the grey YOLOX was trained with around letterboxed images


@dataclass(frozen=True, slots=True)
class Letterbox:
    """Resize-and-pad at the top-left corner: input pixels = frame pixels × scale."""

    scale: float

    @classmethod
    def fit(cls, frame_size: tuple[int, int], input_size: tuple[int, int]) -> "Letterbox":
        """`frame_size` and `input_size` are (height, width)."""
        return cls(min(input_size[0] / frame_size[0], input_size[1] / frame_size[1]))

    def apply(self, image: np.ndarray, input_size: tuple[int, int]) -> np.ndarray:
        """The image resized by `scale` on a canvas of `input_size` (height, width) filled with grey."""
        height, width = image.shape[:2]
        resized = cv2.resize(
            image, (round(width * self.scale), round(height * self.scale)), interpolation=cv2.INTER_LINEAR
        )
        canvas = np.full((*input_size, 3), PAD_VALUE, dtype=np.uint8)
        canvas[: resized.shape[0], : resized.shape[1]] = resized
        return canvas

    def undo(self, boxes_xyxy: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
        """Boxes in input pixels → frame pixels, clipped to the frame (height, width)."""
        boxes = boxes_xyxy / self.scale
        boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, frame_size[1])
        boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, frame_size[0])
        return boxes
