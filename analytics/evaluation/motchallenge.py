"""MOTChallenge text files: `frame,id,x,y,w,h,score_or_flag,...`, 1-based frames, pixels.

Our tracks put the COCO class id in the 8th column (where MOT16 ground truth keeps its class), so
skills can be replayed on a run's tracks; MOTChallenge scorers ignore that column in results.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True, slots=True)
class FrameBoxes:
    """The boxes of one frame: track ids [N] and boxes [N, 4] as x, y, w, h."""

    ids: np.ndarray
    boxes: np.ndarray


MotSequence = dict[int, FrameBoxes]


def format_row(frame: int, track_id: int, xywh: Iterable[float], score: float, class_id: int = -1) -> str:
    x, y, w, h = xywh
    return f"{frame},{track_id},{x:.2f},{y:.2f},{w:.2f},{h:.2f},{score:.4f},{class_id},-1,-1"


def read_mot(path: Path, ground_truth: bool = False, min_foot_y: float | None = None) -> MotSequence:
    """Read a tracks or ground-truth file.

    Ground truth keeps only rows whose flag (7th column) is 1, the rows that count in MOTChallenge.
    `min_foot_y` drops boxes whose bottom edge is above that pixel row: an ignore region for parts
    of the scene that are not annotated.
    """
    rows = np.loadtxt(path, delimiter=",", ndmin=2) if Path(path).stat().st_size else np.empty((0, 7))
    if ground_truth:
        rows = rows[rows[:, 6] == 1]
    if min_foot_y is not None:
        rows = rows[rows[:, 3] + rows[:, 5] >= min_foot_y]
    by_frame: dict[int, list[np.ndarray]] = defaultdict(list)
    for row in rows:
        by_frame[int(row[0])].append(row)
    return {
        frame: FrameBoxes(
            ids=np.array([r[1] for r in frame_rows], dtype=int), boxes=np.array([r[2:6] for r in frame_rows])
        )
        for frame, frame_rows in sorted(by_frame.items())
    }
