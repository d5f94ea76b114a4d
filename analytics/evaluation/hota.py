"""HOTA (Luiten et al., IJCV 2021): detection and association accuracy, averaged over IoU thresholds.

Follows TrackEval's reference implementation: a global alignment score between every ground-truth
and predicted id weights the per-frame Hungarian matching; then, for each IoU threshold α in
0.05…0.95, DetA = TP / (TP + FN + FP), AssA = mean over true positives of the Jaccard overlap of
their two trajectories, and HOTA = √(DetA · AssA).
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from analytics.evaluation.mot_metrics import iou_matrix
from analytics.evaluation.motchallenge import MotSequence

ALPHAS = np.arange(0.05, 0.96, 0.05)
_EPS = np.finfo(float).eps


@dataclass(frozen=True, slots=True)
class HotaScores:
    hota: float
    deta: float
    assa: float

    def summary(self) -> str:
        return f"HOTA {self.hota:.3f}  DetA {self.deta:.3f}  AssA {self.assa:.3f}"


def evaluate_hota(gt: MotSequence, predictions: MotSequence) -> HotaScores:
    gt_ids = sorted({int(i) for f in gt.values() for i in f.ids})
    pred_ids = sorted({int(i) for f in predictions.values() for i in f.ids})
    gi = {g: n for n, g in enumerate(gt_ids)}
    pi = {p: n for n, p in enumerate(pred_ids)}
    frames = []
    potential = np.zeros((len(gt_ids), len(pred_ids)))
    gt_count = np.zeros(len(gt_ids))
    pred_count = np.zeros(len(pred_ids))
    for frame in sorted(set(gt) | set(predictions)):
        g = [gi[int(i)] for i in gt[frame].ids] if frame in gt else []
        p = [pi[int(i)] for i in predictions[frame].ids] if frame in predictions else []
        iou = iou_matrix(gt[frame].boxes, predictions[frame].boxes) if g and p else np.zeros((len(g), len(p)))
        frames.append((g, p, iou))
        # Each pair's share of the frame's overlap, so that crowded frames do not count double.
        share = iou / (iou.sum(axis=0, keepdims=True) + iou.sum(axis=1, keepdims=True) - iou + _EPS)
        potential[np.ix_(g, p)] += share
        gt_count[g] += 1
        pred_count[p] += 1
    alignment = potential / (gt_count[:, None] + pred_count[None, :] - potential + _EPS)

    tp = np.zeros(len(ALPHAS))
    matches = np.zeros((len(ALPHAS), len(gt_ids), len(pred_ids)))
    for g, p, iou in frames:
        if not g or not p:
            continue
        score = alignment[np.ix_(g, p)] * iou
        rows, cols = linear_sum_assignment(-score)
        for a, alpha in enumerate(ALPHAS):
            ok = iou[rows, cols] >= alpha - _EPS
            tp[a] += ok.sum()
            matches[a, np.asarray(g)[rows[ok]], np.asarray(p)[cols[ok]]] += 1
    fn = gt_count.sum() - tp
    fp = pred_count.sum() - tp
    deta = tp / np.maximum(tp + fn + fp, 1)
    pair_accuracy = matches / np.maximum(gt_count[None, :, None] + pred_count[None, None, :] - matches, 1)
    assa = (matches * pair_accuracy).sum(axis=(1, 2)) / np.maximum(tp, 1)
    hota = np.sqrt(deta * assa)
    return HotaScores(hota=float(hota.mean()), deta=float(deta.mean()), assa=float(assa.mean()))
