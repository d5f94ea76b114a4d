"""CLEAR-MOT (Bernardin & Stiefelhagen 2008) and identity (Ristani et al. 2016) metrics.

Written here because the usual packages do not install beside this project (TrackEval wants the
GUI build of OpenCV, py-motmetrics breaks on NumPy 2). A hypothesis matches a ground-truth box
when their IoU is at least 0.5, as in MOTChallenge.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import supervision as sv
from scipy.optimize import linear_sum_assignment

from analytics.evaluation.motchallenge import FrameBoxes, MotSequence

IOU_THRESHOLD = 0.5


def iou_matrix(a_xywh: np.ndarray, b_xywh: np.ndarray) -> np.ndarray:
    """IoU of every box of `a` with every box of `b`, boxes as x, y, w, h."""
    a = np.asarray(a_xywh, dtype=float).reshape(-1, 4)
    b = np.asarray(b_xywh, dtype=float).reshape(-1, 4)
    return sv.box_iou_batch(sv.xywh_to_xyxy(a), sv.xywh_to_xyxy(b)).astype(float)


@dataclass(frozen=True, slots=True)
class MotScores:
    num_gt: int
    num_predictions: int
    true_positives: int
    false_positives: int
    misses: int
    id_switches: int
    iou_sum: float
    idtp: int

    @property
    def mota(self) -> float:
        return 1.0 - (self.misses + self.false_positives + self.id_switches) / max(self.num_gt, 1)

    @property
    def motp(self) -> float:
        """Mean IoU of the matched pairs (higher is better)."""
        return self.iou_sum / max(self.true_positives, 1)

    @property
    def precision(self) -> float:
        return self.true_positives / max(self.num_predictions, 1)

    @property
    def recall(self) -> float:
        return self.true_positives / max(self.num_gt, 1)

    @property
    def idf1(self) -> float:
        return 2 * self.idtp / max(self.num_gt + self.num_predictions, 1)

    @property
    def idp(self) -> float:
        return self.idtp / max(self.num_predictions, 1)

    @property
    def idr(self) -> float:
        return self.idtp / max(self.num_gt, 1)

    def summary(self) -> str:
        return (
            f"MOTA {self.mota:.3f}  IDF1 {self.idf1:.3f}  MOTP(IoU) {self.motp:.3f}  "
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  IDP {self.idp:.3f}  IDR {self.idr:.3f}\n"
            f"GT boxes {self.num_gt}  predicted {self.num_predictions}  TP {self.true_positives}  "
            f"FP {self.false_positives}  FN {self.misses}  ID switches {self.id_switches}"
        )


_EMPTY = FrameBoxes(ids=np.empty(0, dtype=int), boxes=np.empty((0, 4)))


def _match_frame(
    gt: FrameBoxes, pred: FrameBoxes, last_match: dict[int, int]
) -> list[tuple[int, int, float]]:
    """CLEAR-MOT matching of one frame: (gt index, prediction index, IoU).

    A ground-truth object keeps the prediction it was last matched to while their IoU stays above
    the threshold (as in py-motmetrics, even after a gap); the rest are assigned by Hungarian
    matching on IoU.
    """
    iou = iou_matrix(gt.boxes, pred.boxes)
    pairs = []
    free_gt, free_pred = set(range(len(gt.ids))), set(range(len(pred.ids)))
    pred_index = {int(p): j for j, p in enumerate(pred.ids)}
    for i, g in enumerate(gt.ids):
        j = pred_index.get(last_match.get(int(g), -1))
        if j is not None and j in free_pred and iou[i, j] >= IOU_THRESHOLD:
            pairs.append((i, j, float(iou[i, j])))
            free_gt.discard(i)
            free_pred.discard(j)
    rows, cols = sorted(free_gt), sorted(free_pred)
    if rows and cols:
        sub = iou[np.ix_(rows, cols)]
        cost = np.where(sub >= IOU_THRESHOLD, 1.0 - sub, 1e6)
        for r, c in zip(*linear_sum_assignment(cost), strict=True):
            if sub[r, c] >= IOU_THRESHOLD:
                pairs.append((rows[r], cols[c], float(sub[r, c])))
    return pairs


def _idtp(overlaps: dict[tuple[int, int], int]) -> int:
    """Identity true positives: the one-to-one gt↔prediction id mapping covering the most boxes."""
    if not overlaps:
        return 0
    gt_ids = sorted({g for g, _ in overlaps})
    pred_ids = sorted({p for _, p in overlaps})
    gain = np.zeros((len(gt_ids), len(pred_ids)))
    gi = {g: i for i, g in enumerate(gt_ids)}
    pi = {p: j for j, p in enumerate(pred_ids)}
    for (g, p), count in overlaps.items():
        gain[gi[g], pi[p]] = count
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return int(gain[rows, cols].sum())


def evaluate_mot(gt: MotSequence, predictions: MotSequence) -> MotScores:
    num_gt = num_pred = tp = switches = 0
    iou_sum = 0.0
    last_match: dict[int, int] = {}  # gt id → prediction id it was last matched to
    overlaps: dict[tuple[int, int], int] = defaultdict(int)
    for frame in sorted(set(gt) | set(predictions)):
        g, p = gt.get(frame, _EMPTY), predictions.get(frame, _EMPTY)
        num_gt += len(g.ids)
        num_pred += len(p.ids)
        pairs = _match_frame(g, p, last_match)
        for i, j, iou in pairs:
            gt_id, pred_id = int(g.ids[i]), int(p.ids[j])
            if last_match.get(gt_id, pred_id) != pred_id:
                switches += 1
            last_match[gt_id] = pred_id
            tp += 1
            iou_sum += iou
        ious = iou_matrix(g.boxes, p.boxes)
        for i, j in zip(*np.nonzero(ious >= IOU_THRESHOLD), strict=True):
            overlaps[int(g.ids[i]), int(p.ids[j])] += 1
    return MotScores(
        num_gt=num_gt,
        num_predictions=num_pred,
        true_positives=tp,
        false_positives=num_pred - tp,
        misses=num_gt - tp,
        id_switches=switches,
        iou_sum=iou_sum,
        idtp=_idtp(overlaps),
    )
