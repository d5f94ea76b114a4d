"""Per-frame pairing of the NGSIM class check: closest boxes first, IoU 0.5 or nothing."""

import numpy as np

from analytics.evaluation.french_classes import frame_confusion


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
