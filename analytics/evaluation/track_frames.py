"""A run's tracks and a scene's annotation as what skills and reference rules read.

`analytics run` writes DIR/tracks.txt (pixels, COCO class id in the 8th column) and DIR/run.json
(rate, frame count, frame size): enough to replay any skill on the tracks without the video, which
is what makes evaluating hundreds of zones and lines on one detection run cheap.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analytics.frame_tracks import CLASS_NAMES, FrameTracks, TrackedObject
from analytics.geometry.coordinates import Point


@dataclass(frozen=True, slots=True)
class RunInfo:
    fps: float
    frames: int
    width: int
    height: int

    @classmethod
    def read(cls, run_dir: Path) -> "RunInfo":
        info = json.loads((Path(run_dir) / "run.json").read_text())
        return cls(float(info["fps"]), int(info["frames"]), int(info["width"]), int(info["height"]))

    def time_s(self, frame: int) -> float:
        """The offline clock: (frame − 1) / fps, as `analytics run` dates its events."""
        return (frame - 1) / self.fps


def _rows(path: Path) -> np.ndarray:
    return np.loadtxt(path, delimiter=",", ndmin=2) if Path(path).stat().st_size else np.empty((0, 10))


def run_frames(run_dir: Path, camera_id: str) -> list[FrameTracks]:
    """Every frame of the run (those without tracks too, time goes on) as the skills saw it."""
    info = RunInfo.read(run_dir)
    scale = np.array([info.width, info.height, info.width, info.height], dtype=float)
    by_frame: dict[int, list[TrackedObject]] = defaultdict(list)
    for row in _rows(Path(run_dir) / "tracks.txt"):
        class_id = int(row[7])
        if class_id not in CLASS_NAMES:
            raise ValueError(f"{run_dir}/tracks.txt has no class column (8th): re-run `analytics run`")
        x, y, w, h = row[2:6]
        box = tuple(float(v) for v in (np.array([x, y, x + w, y + h]) / scale).clip(0.0, 1.0))
        by_frame[int(row[0])].append(TrackedObject(int(row[1]), CLASS_NAMES[class_id], box, float(row[6])))  # type: ignore[arg-type]
    return [
        FrameTracks(camera_id, n, info.time_s(n), tuple(by_frame.get(n, ())))
        for n in range(1, info.frames + 1)
    ]


Trajectory = list[tuple[int, Point, float]]
"""(frame, bottom-centre of the box, box height), normalised, of one annotated object, in frame order."""


def annotated_trajectories(
    gt_txt: Path, width: int, height: int, min_foot_y: float | None = None
) -> dict[int, Trajectory]:
    """Ground-truth feet per annotated id: MOTChallenge rows with flag 1, bottom-centre of the box.

    `min_foot_y` (pixels) leaves out feet above that row, an area of the scene nobody annotated.
    """
    paths: dict[int, Trajectory] = defaultdict(list)
    for row in _rows(gt_txt):
        frame, track, x, y, w, h, flag = row[:7]
        if flag != 1 or (min_foot_y is not None and y + h < min_foot_y):
            continue
        paths[int(track)].append(
            (int(frame), (float((x + w / 2) / width), float((y + h) / height)), float(h / height))
        )
    return {track: sorted(path) for track, path in sorted(paths.items())}
