"""PETS2009 S2.L1 for skill tests: the ground-truth tracks as the frames a perfect tracker would give."""

import csv
from pathlib import Path

from analytics.frame_tracks import FrameTracks, TrackedObject

WIDTH, HEIGHT, FPS, LAST_FRAME = 768, 576, 7.0, 795


def ground_truth_frames(gt_txt: Path, camera_id: str) -> list[FrameTracks]:
    """MOTChallenge ground truth (flag 1 only) as the tracks a perfect tracker would give, at 7 fps."""
    by_frame: dict[int, list[TrackedObject]] = {}
    for row in csv.reader(gt_txt.read_text().splitlines()):
        frame, track, x, y, w, h, flag = (float(v) for v in row[:7])
        if flag == 1:
            box = (x / WIDTH, y / HEIGHT, (x + w) / WIDTH, (y + h) / HEIGHT)
            by_frame.setdefault(int(frame), []).append(TrackedObject(int(track), "person", box, 1.0))
    return [FrameTracks(camera_id, n, n / FPS, tuple(by_frame.get(n, ()))) for n in range(1, LAST_FRAME + 1)]
