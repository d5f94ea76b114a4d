"""The NGSIM class check: per-frame pairing (closest boxes first, IoU 0.5 or nothing), on the whole
frame and on the product's tiles."""

import json

import cv2
import numpy as np

from analytics.assets import model_path
from analytics.detection.columns import confidences
from analytics.detection.detector import Detector
from analytics.detection.tiling import Tiling
from analytics.evaluation.french_classes import MIN_CONFIDENCE, frame_confusion


def test_boxes_pair_by_overlap_and_the_rest_are_missed_or_extra():
    truth = [
        (np.array([0, 0, 10, 10]), "PL"),
        (np.array([50, 50, 60, 60]), "VL"),
        (np.array([90, 0, 99, 9]), "2RM"),
    ]
    found = [
        (np.array([1, 0, 11, 10]), "VL"),
        (np.array([50, 50, 60, 61]), "VL"),
        (np.array([0, 90, 9, 99]), "PL"),
    ]
    assert frame_confusion(truth, found) == {
        ("PL", "VL"): 1,
        ("VL", "VL"): 1,
        ("2RM", "missed"): 1,
        ("extra", "PL"): 1,
    }


def test_tiles_find_the_small_vehicles_seen_from_above_that_the_whole_frame_misses(shared_asset):
    # The short version of `make accuracy`'s NGSIM check: four frames of Sequence2, 20-30-pixel
    # vehicles from a tall building. Counted: reference boxes paired with a detection, either class.
    sequence = shared_asset("data/vehicles-ngsim/Sequence2/annotations.json").parent
    coco = json.loads((sequence / "annotations.json").read_text())
    images = coco["images"][:4]
    truth: dict[int, list[tuple[np.ndarray, str]]] = {image["id"]: [] for image in images}
    for note in coco["annotations"]:
        if note["image_id"] in truth:
            x, y, w, h = note["bbox"]
            truth[note["image_id"]].append((np.array([x, y, x + w, y + h]), "VL"))
    detector = Detector.in_process(model_path(), device="cpu")
    found: dict[int, int] = {}
    try:
        for per_side in (1, 2):
            paired = 0
            for image in images:
                picture = cv2.imread(str(sequence / "images" / image["file_name"]))
                assert picture is not None, image["file_name"]
                (detections,) = detector.detect([picture], [Tiling(per_side)])
                boxes = [
                    (box, "VL")
                    for box, score in zip(detections.xyxy, confidences(detections), strict=True)
                    if score >= MIN_CONFIDENCE
                ]
                confusion = frame_confusion(truth[image["id"]], boxes)
                paired += sum(
                    n for (theirs, ours), n in confusion.items() if theirs != "extra" and ours != "missed"
                )
            found[per_side] = paired
    finally:
        detector.close()
    total = sum(len(boxes) for boxes in truth.values())
    assert found[2] >= 2 * max(found[1], 1) and found[2] <= total, (found, total)
