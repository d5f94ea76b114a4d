from pathlib import Path

import numpy as np
import pytest

from analytics.evaluation.hota import evaluate_hota
from analytics.evaluation.mot_metrics import evaluate_mot, iou_matrix
from analytics.evaluation.motchallenge import FrameBoxes, MotSequence, read_mot


def _sequence(rows: list[tuple[int, int, float]]) -> MotSequence:
    """(frame, id, x) rows of 10×10 boxes at y = 0."""
    frames: dict[int, list[tuple[int, float]]] = {}
    for frame, track_id, x in rows:
        frames.setdefault(frame, []).append((track_id, x))
    return {
        f: FrameBoxes(
            np.array([i for i, _ in items]), np.array([[x, 0, 10, 10] for _, x in items], dtype=float)
        )
        for f, items in frames.items()
    }


def test_iou_of_boxes() -> None:
    iou = iou_matrix(np.array([[0, 0, 10, 10]]), np.array([[5, 0, 10, 10], [0, 0, 10, 10], [20, 0, 5, 5]]))
    np.testing.assert_allclose(iou, [[50 / 150, 1.0, 0.0]])


def test_perfect_tracks() -> None:
    gt = _sequence([(f, 1, 0) for f in range(1, 5)] + [(f, 2, 50) for f in range(1, 5)])
    scores = evaluate_mot(gt, _sequence([(f, 7, 0) for f in range(1, 5)] + [(f, 8, 50) for f in range(1, 5)]))
    assert (scores.mota, scores.idf1, scores.motp, scores.id_switches) == (1.0, 1.0, 1.0, 0)


def test_an_id_switch_halfway() -> None:
    """One object over 4 frames, tracked as id 1 then id 2: TP 4, 1 switch, MOTA 1 − 1/4.
    IDF1: the best one-to-one id mapping covers 2 of 4 boxes on each side → 2·2 / (4 + 4)."""
    gt = _sequence([(f, 1, 0) for f in range(1, 5)])
    scores = evaluate_mot(gt, _sequence([(1, 1, 0), (2, 1, 0), (3, 2, 0), (4, 2, 0)]))
    assert scores.true_positives == 4
    assert scores.id_switches == 1
    assert scores.mota == pytest.approx(0.75)
    assert scores.idf1 == pytest.approx(0.5)


def test_misses_false_positives_and_localisation() -> None:
    """Frame 1: matched with IoU 50/150 < 0.5 → a miss and a false positive.
    Frame 2: matched with IoU 90/110. Frame 3: a miss. Frame 4: only a false positive."""
    gt = _sequence([(1, 1, 0), (2, 1, 0), (3, 1, 0)])
    scores = evaluate_mot(gt, _sequence([(1, 5, 5), (2, 5, 1), (4, 6, 80)]))
    assert (scores.true_positives, scores.misses, scores.false_positives) == (1, 2, 2)
    assert scores.mota == pytest.approx(1 - 4 / 3)
    assert scores.motp == pytest.approx(90 / 110)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.idf1 == pytest.approx(2 * 1 / (3 + 3))


def test_keeps_the_previous_match_over_a_better_new_one() -> None:
    """CLEAR-MOT: gt 1 stays with hypothesis 5 while IoU ≥ 0.5, even when hypothesis 6 fits better,
    so no switch is counted."""
    gt = _sequence([(1, 1, 0), (2, 1, 0)])
    predictions = _sequence([(1, 5, 0), (2, 5, 2), (2, 6, 0)])
    scores = evaluate_mot(gt, predictions)
    assert (scores.id_switches, scores.true_positives, scores.false_positives) == (0, 2, 1)


def test_read_mot_keeps_flag_1_ground_truth_and_applies_the_foot_ignore_region(tmp_path: Path) -> None:
    path = tmp_path / "gt.txt"
    path.write_text(
        "1,1,10,100,10,40,1,-1,-1,-1\n"  # foot y 140: above 150, ignored
        "1,2,10,120,10,40,1,-1,-1,-1\n"  # foot y 160: kept
        "2,3,10,200,10,40,0,-1,-1,-1\n"  # flag 0: not counted
    )
    gt = read_mot(path, ground_truth=True, min_foot_y=150)
    assert list(gt) == [1]
    assert list(gt[1].ids) == [2]
    assert len(read_mot(path)) == 2


def test_hota_of_perfect_tracks_and_of_an_id_switch() -> None:
    """Perfect boxes: DetA 1 at every threshold. An id switch halfway splits the 4 matches into two
    trajectories each overlapping the truth by 2 / (4 + 2 − 2): AssA 0.5, HOTA √0.5."""
    gt = _sequence([(f, 1, 0) for f in range(1, 5)])
    perfect = evaluate_hota(gt, _sequence([(f, 9, 0) for f in range(1, 5)]))
    assert (perfect.hota, perfect.deta, perfect.assa) == pytest.approx((1.0, 1.0, 1.0))
    switched = evaluate_hota(gt, _sequence([(1, 1, 0), (2, 1, 0), (3, 2, 0), (4, 2, 0)]))
    assert switched.deta == pytest.approx(1.0)
    assert switched.assa == pytest.approx(0.5)
    assert switched.hota == pytest.approx(0.5**0.5)


def test_hota_detection_accuracy_falls_with_localisation() -> None:
    """IoU 90/110 ≈ 0.82: a true positive for the 16 thresholds up to 0.80, a miss and a false
    positive for the three above."""
    scores = evaluate_hota(_sequence([(1, 1, 0)]), _sequence([(1, 1, 1)]))
    assert scores.deta == pytest.approx(16 / 19)
    assert scores.assa == pytest.approx(16 / 19)
