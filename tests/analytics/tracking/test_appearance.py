"""Colour signatures: alike for the same clothes, apart for different ones, and what they decide."""

import numpy as np
import supervision as sv

from analytics.tracking import Tracker
from analytics.tracking.appearance import distance, signatures

RED, BLUE = (30, 30, 200), (200, 60, 30)  # BGR


def _image_with(boxes: list[tuple[list[int], tuple[int, int, int]]]) -> np.ndarray:
    image = np.full((240, 320, 3), 120, dtype=np.uint8)
    for (x1, y1, x2, y2), colour in boxes:
        image[y1:y2, x1:x2] = colour
    return image


def test_same_clothes_are_close_and_different_clothes_far() -> None:
    image = _image_with([([10, 10, 40, 90], RED), ([100, 10, 130, 90], RED), ([200, 10, 230, 90], BLUE)])
    found = signatures(
        image, np.array([[10, 10, 40, 90], [100, 10, 130, 90], [200, 10, 230, 90]], dtype=float)
    )
    d = distance(found, found)
    assert d[0, 1] < 0.05
    assert d[0, 2] > 0.9
    assert np.allclose(found.reshape(3, 2, -1).sum(axis=2), 1.0)  # each half is a distribution
    assert not signatures(image, np.array([[50.0, 50.0, 50.0, 50.0]])).any()  # an empty box


def test_after_an_occlusion_the_id_goes_back_to_the_matching_colours() -> None:
    """Red is lost for 1 s; when it comes back, a blue newcomer (not overlapping) is nearer its
    predicted place, but the lost-track stage refuses the colours and gives the old id to red."""
    tracker = Tracker()
    red_box = [100, 100, 130, 180]
    for n in range(10):
        image = _image_with([(red_box, RED)])
        boxes = np.array([red_box], dtype=float)
        detections = sv.Detections(xyxy=boxes, confidence=np.array([0.9]), class_id=np.array([0]))
        tracker.update(detections, n / 5, signatures(image, boxes))
    blue_box, red_back = [131, 100, 161, 180], [62, 100, 92, 180]  # centres 31 and 38 px away
    image = _image_with([(blue_box, BLUE), (red_back, RED)])
    boxes = np.array([blue_box, red_back], dtype=float)
    detections = sv.Detections(xyxy=boxes, confidence=np.array([0.9, 0.9]), class_id=np.array([0, 0]))
    tracker.update(sv.Detections.empty(), 2.6)
    tracked = tracker.update(detections, 3.0, signatures(image, boxes))
    by_box = {
        tuple(int(v) for v in box): int(i) for box, i in zip(tracked.xyxy, tracked.tracker_id, strict=True)
    }
    assert by_box.get(tuple(red_back)) == 1
    assert tuple(blue_box) not in by_box or by_box[tuple(blue_box)] != 1
