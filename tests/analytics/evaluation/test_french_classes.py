"""The NGSIM class checks: per-frame pairing (closest boxes first, IoU 0.5 or nothing), on the whole
frame and on the product's tiles, and the class by relative size of the hand boxes."""

import json

import cv2
import numpy as np

from analytics.assets import model_path
from analytics.detection.columns import confidences
from analytics.detection.detector import Detector
from analytics.detection.tiling import Tiling
from analytics.evaluation.french_classes import MIN_CONFIDENCE, frame_confusion, relative_size_confusion
from tests.support.ground_camera import IMAGE_SIZE, Vehicle, mast_camera

CATEGORY = {"car": 3, "truck": 8}


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


def test_hand_boxes_are_classed_by_their_height_against_the_sequences_cars(tmp_path):
    # Still frames of the synthetic camera: a car in each of four lanes, at a depth that changes from
    # frame to frame, and beside them a lorry and a pick-up that the annotators both call truck, and a
    # car cut by the picture's left edge.
    camera = mast_camera()
    lanes = (-3.5, 0.0, 3.5, 7.0)
    frame = [
        ("truck", Vehicle(0, "truck", 7.5, 3.3, 0.0, 20.0, -7.5, 2.5)),
        ("truck", Vehicle(0, "truck", 5.5, 1.9, 0.0, 34.0, 11.0, 2.0)),
        ("car", Vehicle(0, "car", 4.5, 1.5, 0.0, 15.0, -16.0)),
    ]
    images: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    for image_id in range(1, 11):
        images.append(
            {"id": image_id, "width": IMAGE_SIZE[0], "height": IMAGE_SIZE[1], "file_name": f"{image_id}.jpg"}
        )
        cars = [
            Vehicle(0, "car", 4.5, 1.5, 0.0, 12.0 + 4.0 * ((image_id + k) % 5), x)
            for k, x in enumerate(lanes)
        ]
        placed = [("car", car) for car in cars] + frame
        for name, vehicle in placed:
            x1, y1, x2, y2 = vehicle.box(camera, 0.0)
            x1, x2 = max(x1, 0.0), min(x2, 1.0)
            box = [
                x1 * IMAGE_SIZE[0],
                y1 * IMAGE_SIZE[1],
                (x2 - x1) * IMAGE_SIZE[0],
                (y2 - y1) * IMAGE_SIZE[1],
            ]
            notes.append(
                {"id": len(notes) + 1, "image_id": image_id, "category_id": CATEGORY[name], "bbox": box}
            )
    categories = [{"id": i, "name": n} for n, i in CATEGORY.items()]
    (tmp_path / "annotations.json").write_text(
        json.dumps({"images": images, "annotations": notes, "categories": categories})
    )
    assert relative_size_confusion(tmp_path) == {
        ("PL", "PL"): 10,  # the lorry
        ("PL", "VL"): 10,  # the pick-up: a US truck, a French VL
        ("VL", "VL"): 40,  # the cars
        ("VL", "unplaced"): 10,  # cut by the edge
    }
