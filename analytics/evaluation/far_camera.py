"""A far camera made from a near one: each frame shrunk, in effect, by padding it into a grey canvas.

`python -m analytics.evaluation.far_camera CLIP CONFIG --scale N --out DIR [--crossings CSV]
[--frames START:END]` writes DIR/clip.avi (every frame of CLIP, or of the range, at the top centre of
a canvas N times as wide and high: the scene sits where a distant road meets the horizon) and
DIR/camera.toml (CONFIG with every normalised picture coordinate moved onto the canvas: lines,
zones, privacy masks, the detection region, the ground calibration's points and picture size).
With `--crossings`, DIR/crossings.csv holds the hand reference rows of the range, their frames
counted from its start. The vehicles keep their pixels, so the detector sees them N times smaller
relative to its input: what a camera N times further away, or a wider lens, shows. Comments of
CONFIG are not carried over.
"""

import argparse
import csv
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

# The grey of an empty road surface: a flat mid-grey gives the detector no edges to fire on.
_CANVAS_GREY = (110, 110, 110)


@dataclass(frozen=True, slots=True)
class Canvas:
    """Where a `width`×`height` picture lies on a canvas `scale` times larger."""

    width: int
    height: int
    scale: int

    @property
    def size(self) -> tuple[int, int]:
        return self.width * self.scale, self.height * self.scale

    @property
    def left(self) -> int:
        return (self.size[0] - self.width) // 2

    def pad(self, frame: np.ndarray) -> np.ndarray:
        right = self.size[0] - self.width - self.left
        bottom = self.size[1] - self.height
        return cv2.copyMakeBorder(frame, 0, bottom, self.left, right, cv2.BORDER_CONSTANT, value=_CANVAS_GREY)

    def point(self, point: list[float]) -> list[float]:
        """A normalised [x, y] of the picture as a normalised [x, y] of the canvas."""
        x, y = point
        return [(self.left + x * self.width) / self.size[0], y * self.height / self.size[1]]

    def rectangle(self, box: list[float]) -> list[float]:
        return [*self.point(box[:2]), *self.point(box[2:])]


def _points(canvas: Canvas) -> Callable[[list[list[float]]], list[list[float]]]:
    return lambda points: [canvas.point(p) for p in points]


def move_camera(camera: dict[str, Any], canvas: Canvas) -> dict[str, Any]:
    """A camera table of the configuration with its picture coordinates moved onto the canvas."""
    moved = dict(camera)
    many = _points(canvas)
    moved["lines"] = [{**line, "points": many(line["points"])} for line in camera.get("lines", [])]
    moved["zones"] = [{**zone, "polygon": many(zone["polygon"])} for zone in camera.get("zones", [])]
    moved["privacy_masks"] = [many(mask) for mask in camera.get("privacy_masks", [])]
    if "region" in camera.get("detection", {}):
        moved["detection"] = {
            **camera["detection"],
            "region": canvas.rectangle(camera["detection"]["region"]),
        }
    if "ground" in camera:
        ground = dict(camera["ground"])
        ground["image_size"] = list(canvas.size)
        if "points" in ground:
            ground["points"] = [{**p, "image": canvas.point(p["image"])} for p in ground["points"]]
        if "lane" in ground:
            ground["lane"] = {**ground["lane"], "corners": many(ground["lane"]["corners"])}
        moved["ground"] = ground
    return {key: value for key, value in moved.items() if value != []}


def to_toml(table: dict[str, Any], prefix: str = "") -> str:
    """The TOML text of a table of plain values, sub-tables and arrays of tables."""
    plain = {k: v for k, v in table.items() if not _is_table(v) and not _is_table_array(v)}
    lines = [f"{key} = {_value(value)}" for key, value in plain.items()]
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if _is_table(value):
            lines += ["", f"[{name}]", to_toml(value, name)]
        elif _is_table_array(value):
            for item in value:
                lines += ["", f"[[{name}]]", to_toml(item, name)]
    return "\n".join(lines).strip("\n")


def _is_table(value: object) -> bool:
    return isinstance(value, dict)


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value) if isinstance(value, str) else str(value)


def pad_clip(clip: Path, out: Path, scale: int, frames: range | None) -> Canvas:
    """Writes the padded frames of `clip` (those of `frames`, or all) to `out`; returns the canvas."""
    capture = cv2.VideoCapture(str(clip))
    if not capture.isOpened():
        raise SystemExit(f"cannot read {clip}")
    canvas = Canvas(
        int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)), scale
    )
    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
    writer = cv2.VideoWriter(str(out), fourcc, capture.get(cv2.CAP_PROP_FPS), canvas.size)
    index = 0
    try:
        while frames is None or index < frames.stop:
            ok, frame = capture.read()
            if not ok:
                break
            if frames is None or index in frames:
                writer.write(canvas.pad(frame))
            index += 1
    finally:
        capture.release()
        writer.release()
    return canvas


def cut_crossings(reference: Path, out: Path, frames: range | None) -> int:
    """Copies the reference rows inside `frames`, renumbered from its start; returns how many."""
    with reference.open(newline="") as file:
        reader = csv.DictReader(file)
        rows = [row for row in reader if frames is None or int(row["frame"]) in frames]
        fields = reader.fieldnames or []
    for row in rows:
        row["frame"] = str(int(row["frame"]) - (frames.start if frames else 0))
    with out.open("w", newline="") as file:
        writer = csv.DictWriter(file, fields)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _frame_range(text: str) -> range:
    start, _, stop = text.partition(":")
    frames = range(int(start), int(stop))
    if not frames:
        raise argparse.ArgumentTypeError(f"--frames {text!r} holds no frame (START:END, END excluded)")
    return frames


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="far_camera", description=__doc__.split("\n\n")[0])
    parser.add_argument("clip", type=Path)
    parser.add_argument("config", type=Path, help="the near camera's configuration (TOML)")
    parser.add_argument("--scale", type=int, required=True, help="canvas size / picture size (2 or more)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--crossings", type=Path, help="hand reference of the clip (crossings CSV)")
    parser.add_argument("--frames", type=_frame_range, help="START:END, END excluded")
    args = parser.parse_args(argv)
    if args.scale < 2:
        parser.error("--scale must be 2 or more")
    args.out.mkdir(parents=True, exist_ok=True)
    canvas = pad_clip(args.clip, args.out / "clip.avi", args.scale, args.frames)
    config = tomllib.loads(args.config.read_text())
    config["cameras"] = [move_camera(camera, canvas) for camera in config.get("cameras", [])]
    header = f"# {args.config.name} seen {args.scale} times further away (analytics.evaluation.far_camera)\n"
    (args.out / "camera.toml").write_text(header + to_toml(config) + "\n")
    if args.crossings:
        cut_crossings(args.crossings, args.out / "crossings.csv", args.frames)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
