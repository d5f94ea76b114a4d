"""Confusion matrices of the French counting classes (reference class → our class).

`python -m analytics.evaluation.french_classes urban EVENTS_JSONL CROSSINGS_CSV`: our `line_cross`
events (an `analytics run` output) against a hand-annotated crossings file, by the events'
`french_class` (pairing as in analytics.evaluation.vehicle_counts).

`python -m analytics.evaluation.french_classes ngsim SEQUENCE_DIR [--model M] [--tiles N]`:
per-frame boxes of the NGSIM still frames (COCO-format `annotations.json`, `images/`) against the
detector's at the skills' default confidence (0.35), paired by IoU ≥ 0.5, the closest first; a
detection's French class is its COCO class's (no calibration: single still frames carry no track,
so the size rules cannot apply). US `truck` labels include pick-ups, which are VL in France: the
PL row is an upper bound of the confusion. `--tiles N` runs the detector on N×N overlapping tiles
of each frame and merges their boxes, as the product does for a camera with `[cameras.detection]
tiles = N` (analytics.detection.tiling): what a larger input gives vehicles that are 20–30 pixels
long seen from above.

`python -m analytics.evaluation.french_classes relsize SEQUENCE_DIR`: the French class an
uncalibrated camera gives by relative size (analytics.skills.relative_size) to the NGSIM hand boxes
themselves, as if the detector had called every vehicle car: the car scale is fitted on the
sequence's hand `car` boxes (each a track of its own: still frames), then each car, truck and bus
box is PL when its height is at least `PL_MIN_RATIO` a car's at its place; a box cut by the
picture's edge or whose bottom a nearer box hides is `unplaced`. One box, not a track's median:
a harder case than the product's. Sequence1 is the split the module's thresholds were checked on;
Sequence2 and Sequence3 are reported, never tuned on.

Nothing here tunes a constant: the class rules and thresholds are fixed in
analytics.skills.vehicle_size from vehicle dimensions, not from these figures.
"""

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from analytics.detection.tiling import Tiling
from analytics.evaluation.vehicle_counts import Crossing, read_crossings, score_counts
from analytics.frame_tracks import CLASS_NAMES
from analytics.skills.relative_size import CarScale, relative_class, size_ratio
from analytics.skills.vehicle_size import DETECTOR_CLASS, Sample, hidden_bottoms

# What the annotators' classes are in French counts (vans are VL; see fixtures/traffic-urban).
REFERENCE_CLASS = {
    "car": "VL",
    "van": "VL",
    "truck": "PL",
    "bus": "PL",
    "motorcycle": "2RM",
    "bicycle": "vélo",
}
MIN_IOU = 0.5
MIN_CONFIDENCE = 0.35


def urban_confusion(
    events_jsonl: Path, crossings_csv: Path, tolerance_frames: int = 30
) -> Counter[tuple[str, str]]:
    counted = []
    for line in events_jsonl.read_text().splitlines():
        event = json.loads(line) if line.strip() else {}
        if event.get("kind") == "line_cross":
            evidence = event["evidence"]
            french = evidence.get("french_class") or DETECTOR_CLASS[event["class"]]
            counted.append(Crossing(event["line"], evidence["direction"], event["frame"], french))
    reference = [
        Crossing(c.line, c.direction, c.frame, REFERENCE_CLASS[c.class_name])
        for c in read_crossings(crossings_csv)
    ]
    return score_counts(counted, reference, tolerance_frames).confusion


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of a (n×4) with every box of b (m×4), x1 y1 x2 y2."""
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = lambda boxes: (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def frame_confusion(
    truth: Sequence[tuple[np.ndarray, str]], found: Sequence[tuple[np.ndarray, str]]
) -> Counter[tuple[str, str]]:
    """(reference French class, our French class) per box; 'missed' and 'extra' when unpaired."""
    confusion: Counter[tuple[str, str]] = Counter()
    paired_truth, paired_found = set(), set()
    if truth and found:
        iou = _iou(np.array([b for b, _ in truth]), np.array([b for b, _ in found]))
        for flat in np.argsort(-iou, axis=None):
            i, j = np.unravel_index(flat, iou.shape)
            if iou[i, j] < MIN_IOU:
                break
            if i in paired_truth or j in paired_found:
                continue
            paired_truth.add(i)
            paired_found.add(j)
            confusion[truth[i][1], found[j][1]] += 1
    confusion.update((c, "missed") for i, (_, c) in enumerate(truth) if i not in paired_truth)
    confusion.update(("extra", c) for j, (_, c) in enumerate(found) if j not in paired_found)
    return confusion


def ngsim_confusion(sequence: Path, model: Path, per_side: int = 1) -> Counter[tuple[str, str]]:
    from analytics.detection.columns import class_ids, confidences
    from analytics.detection.detector import Detector

    coco = json.loads((sequence / "annotations.json").read_text())
    names = {c["id"]: c["name"] for c in coco["categories"]}
    boxes: dict[int, list[tuple[np.ndarray, str]]] = {image["id"]: [] for image in coco["images"]}
    for note in coco["annotations"]:
        x, y, w, h = note["bbox"]
        boxes[note["image_id"]].append(
            (np.array([x, y, x + w, y + h]), REFERENCE_CLASS[names[note["category_id"]]])
        )
    detector = Detector.in_process(model, device="cpu")
    confusion: Counter[tuple[str, str]] = Counter()
    try:
        for image in coco["images"]:
            path = sequence / "images" / image["file_name"]
            picture = cv2.imread(str(path))
            if picture is None:
                raise FileNotFoundError(f"cannot read {path}")
            (detections,) = detector.detect([picture], [Tiling(per_side)])
            found = [
                (box, DETECTOR_CLASS[CLASS_NAMES[int(cls)]])
                for box, cls, score in zip(
                    detections.xyxy, class_ids(detections), confidences(detections), strict=True
                )
                if int(cls) in CLASS_NAMES and CLASS_NAMES[int(cls)] != "person" and score >= MIN_CONFIDENCE
            ]
            confusion += frame_confusion(boxes[image["id"]], found)
    finally:
        detector.close()
    return confusion


def relative_size_confusion(sequence: Path) -> Counter[tuple[str, str]]:
    """(reference French class, class by relative size) per car, truck and bus hand box (see module)."""
    coco = json.loads((sequence / "annotations.json").read_text())
    names = {c["id"]: c["name"] for c in coco["categories"]}
    sizes = {image["id"]: (image["width"], image["height"]) for image in coco["images"]}
    frames: dict[int, list[tuple[int, str, tuple[float, float, float, float]]]] = {i: [] for i in sizes}
    for note in coco["annotations"]:
        name = names[note["category_id"]]
        if name in ("car", "truck", "bus"):
            x, y, w, h = note["bbox"]
            width, height = sizes[note["image_id"]]
            box = (x / width, y / height, (x + w) / width, (y + h) / height)
            frames[note["image_id"]].append((note["id"], name, box))
    scale = CarScale()
    samples: list[tuple[str, Sample]] = []
    for boxes in frames.values():
        hidden = hidden_bottoms([box for _, _, box in boxes])
        for (note_id, name, box), hidden_bottom in zip(boxes, hidden, strict=True):
            scale.add(note_id, name, box, hidden_bottom)
            samples.append((name, Sample(0.0, box, name, 1.0, hidden_bottom)))
    confusion: Counter[tuple[str, str]] = Counter()
    for name, sample in samples:
        ratio = size_ratio(scale, [sample])
        ours = "unplaced" if ratio is None else relative_class("car", ratio)
        confusion[REFERENCE_CLASS[name], ours] += 1
    return confusion


def table(confusion: Counter[tuple[str, str]]) -> str:
    columns = sorted({c for _, c in confusion})
    lines = [f"{'':<8}" + "".join(f"{c:>10}" for c in columns)]
    for row in sorted({r for r, _ in confusion}):
        lines.append(f"{row:<8}" + "".join(f"{confusion[row, c]:>10}" for c in columns))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.evaluation.french_classes")
    sub = parser.add_subparsers(dest="what", required=True)
    urban = sub.add_parser("urban")
    urban.add_argument("events", type=Path)
    urban.add_argument("crossings", type=Path)
    ngsim = sub.add_parser("ngsim")
    ngsim.add_argument("sequence", type=Path)
    ngsim.add_argument("--model", type=Path, required=True)
    ngsim.add_argument(
        "--tiles", type=int, choices=(1, 2, 3), default=1, help="Tiles per side (1: the whole frame)."
    )
    relsize = sub.add_parser("relsize")
    relsize.add_argument("sequence", type=Path)
    args = parser.parse_args(argv)
    if args.what == "urban":
        print(table(urban_confusion(args.events, args.crossings)))
    elif args.what == "relsize":
        print(table(relative_size_confusion(args.sequence)))
    else:
        print(table(ngsim_confusion(args.sequence, args.model, args.tiles)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
