"""`analytics run`: detector → tracker → skills over a video file, written as files to score."""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from analytics.camera_pipeline import CameraPipeline
from analytics.config.camera import CameraConfig
from analytics.config.schedule import Schedule
from analytics.detection import Detector
from analytics.evaluation.motchallenge import format_row
from analytics.frame_tracks import CLASS_IDS
from analytics.privacy_masks import apply_privacy_masks


class VideoError(RuntimeError):
    """The video cannot be read, or its rate is unknown."""


@dataclass(frozen=True, slots=True)
class RunSummary:
    frames: int
    fps: float
    tracks: int
    events: int
    counts_written: bool


def video_frames(video: Path) -> tuple[Iterator[np.ndarray], float, int]:
    """The decoded frames, the rate the header claims and its frame count (0 when unknown)."""
    capture = cv2.VideoCapture(str(video))
    if not capture.isOpened():
        raise VideoError(f"cannot open video {video}")

    def frames() -> Iterator[np.ndarray]:
        try:
            while True:
                ok, image = capture.read()
                if not ok:
                    return
                yield image
        finally:
            capture.release()

    return frames(), capture.get(cv2.CAP_PROP_FPS), int(capture.get(cv2.CAP_PROP_FRAME_COUNT))


def run_video(
    video: Path,
    camera: CameraConfig,
    schedules: Mapping[str, Schedule],
    detector: Detector,
    out: Path,
    fps: float | None = None,
    progress: bool = True,
) -> RunSummary:
    """Analyse `video` and write `out`/tracks.txt, events.jsonl, run.json and (when counting) counts.csv.

    Time is (frame − 1) / fps, with `fps` overriding the header: headers lie (PETS09 says 10 fps,
    it was recorded at 7).
    """
    frames, header_fps, total = video_frames(video)
    fps = fps or header_fps
    if not fps or fps <= 0:
        raise VideoError(f"{video} does not state its frame rate: give it with --fps")
    out.mkdir(parents=True, exist_ok=True)
    pipeline = CameraPipeline(camera, schedules)
    track_ids: set[int] = set()
    events = frame = width = height = 0
    with (
        (out / "tracks.txt").open("w") as tracks_file,
        (out / "events.jsonl").open("w") as events_file,
    ):
        for frame, image in enumerate(
            tqdm(frames, total=total or None, unit="frame", disable=not progress), 1
        ):
            masked = apply_privacy_masks(image, camera.privacy_masks)
            time_s = (frame - 1) / fps
            detections = (
                detector.detect([masked], [pipeline.tiling])[0]
                if pipeline.needs_detection(masked, time_s)
                else None
            )
            tracks, found = pipeline.process(detections, masked, frame, time_s)
            height, width = image.shape[:2]
            for obj in tracks.objects:
                x1, y1, x2, y2 = obj.box
                box = (x1 * width, y1 * height, (x2 - x1) * width, (y2 - y1) * height)
                row = format_row(frame, obj.track_id, box, obj.score, CLASS_IDS[obj.class_name])
                tracks_file.write(row + "\n")
                track_ids.add(obj.track_id)
            for event in found:
                events_file.write(event.to_json() + "\n")
            events += len(found)
    # What replaying the tracks needs besides them: the frame size (tracks are in pixels), the rate
    # (time = (frame − 1) / fps) and the number of frames (the last ones may have no track).
    run_info = {"video": video.name, "fps": fps, "frames": frame, "width": width, "height": height}
    (out / "run.json").write_text(json.dumps(run_info, indent=1) + "\n")
    counts = pipeline.counts_csv()
    if counts:
        (out / "counts.csv").write_text(counts)
    return RunSummary(
        frames=frame, fps=fps, tracks=len(track_ids), events=events, counts_written=bool(counts)
    )
