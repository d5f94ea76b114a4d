"""Turn YOLOX's raw head output into boxes, scores and COCO class ids.

YOLOX exports without its grid decode: each row holds (tx, ty, tw, th, obj, class scores…) for one
cell of one stride, rows ordered stride 8, 16, 32 and row-major within a stride. obj and class
scores are already sigmoid.
"""

from collections.abc import Sequence

import numpy as np

STRIDES: tuple[int, ...] = (8, 16, 32)


def grid_rows(input_size: tuple[int, int]) -> int:
    """Number of output rows a model of this input size (height, width) produces."""
    return sum((input_size[0] // s) * (input_size[1] // s) for s in STRIDES)


def _grids(input_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the cell's (x, y) index and the stride, in the head's row order."""
    cells, row_strides = [], []
    for stride in STRIDES:
        rows, cols = input_size[0] // stride, input_size[1] // stride
        ys, xs = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        cells.append(np.stack((xs, ys), axis=-1).reshape(-1, 2))
        row_strides.append(np.full((rows * cols, 1), stride))
    return np.concatenate(cells).astype(np.float32), np.concatenate(row_strides).astype(np.float32)


class YoloxDecoder:
    """Decode one image's output rows, keeping the wanted classes above a score threshold."""

    def __init__(self, input_size: tuple[int, int], class_ids: Sequence[int], score_threshold: float) -> None:
        self._cells, self._strides = _grids(input_size)
        self._class_ids = np.asarray(sorted(class_ids))
        self._score_threshold = score_threshold

    def decode(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`rows` [N, 5 + classes] → (xyxy in input pixels [M, 4], score [M], COCO class id [M])."""
        class_scores = rows[:, 4:5] * rows[:, 5 + self._class_ids]
        best = class_scores.argmax(axis=1)
        scores = class_scores[np.arange(len(rows)), best]
        keep = scores >= self._score_threshold
        kept = rows[keep]
        centres = (kept[:, 0:2] + self._cells[keep]) * self._strides[keep]
        sizes = np.exp(kept[:, 2:4]) * self._strides[keep]
        boxes = np.concatenate((centres - sizes / 2, centres + sizes / 2), axis=1)
        return boxes, scores[keep], self._class_ids[best[keep]]
