import numpy as np
import supervision as sv

from analytics.detection.nms import non_max_suppression


def _detections(boxes: list[list[float]], scores: list[float], classes: list[int]) -> sv.Detections:
    return sv.Detections(
        xyxy=np.array(boxes, dtype=np.float32),
        confidence=np.array(scores, dtype=np.float32),
        class_id=np.array(classes),
    )


def test_car_and_truck_on_the_same_van_become_one() -> None:
    van = [651, 42, 725, 99]
    kept = non_max_suppression(_detections([van, [652, 43, 724, 98]], [0.6, 0.75], [2, 7]), 0.45)
    assert len(kept) == 1
    assert kept.class_id[0] == 7
    assert kept.confidence[0] == np.float32(0.75)


def test_person_on_a_bicycle_keeps_both_boxes() -> None:
    kept = non_max_suppression(
        _detections([[100, 100, 140, 200], [98, 140, 142, 205]], [0.8, 0.7], [0, 1]), 0.3
    )
    assert sorted(kept.class_id) == [0, 1]


def test_overlapping_persons_are_suppressed_separate_ones_kept() -> None:
    boxes = [[100, 100, 140, 200], [102, 101, 141, 202], [300, 100, 340, 200]]
    kept = non_max_suppression(_detections(boxes, [0.9, 0.8, 0.7], [0, 0, 0]), 0.45)
    np.testing.assert_array_equal(kept.xyxy, np.array([boxes[0], boxes[2]], dtype=np.float32))


def test_no_detections() -> None:
    assert len(non_max_suppression(sv.Detections.empty(), 0.45)) == 0
