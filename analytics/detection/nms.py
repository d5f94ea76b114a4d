"""Non-maximum suppression that never reports one vehicle twice under two vehicle classes.

A parked van scores as both car and truck; per-class NMS would keep both boxes and the tracker
would follow two objects. Vehicles therefore share one suppression group; persons have their own
(a cyclist's person box must survive its bicycle box).
"""

import numpy as np
import supervision as sv

from analytics.tracks import CLASS_IDS, VEHICLE_CLASSES

_VEHICLE_IDS = np.asarray(sorted(CLASS_IDS[name] for name in VEHICLE_CLASSES))


def _iou_with(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    top_left = np.maximum(box[:2], boxes[:, :2])
    bottom_right = np.minimum(box[2:], boxes[:, 2:])
    inter = np.prod((bottom_right - top_left).clip(min=0), axis=1)
    area = np.prod(box[2:] - box[:2])
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    return inter / np.maximum(area + areas - inter, 1e-9)


def _greedy(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    order = np.argsort(-scores)
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[_iou_with(boxes[best], boxes[order]) < iou_threshold]
    return np.asarray(keep, dtype=int)


def suppression_group(class_ids: np.ndarray) -> np.ndarray:
    """Group of each detection: all vehicle classes share one group, other classes their own id."""
    return np.where(np.isin(class_ids, _VEHICLE_IDS), -1, class_ids)


def non_max_suppression(detections: sv.Detections, iou_threshold: float) -> sv.Detections:
    """Keep the best-scoring box of each overlapping cluster within its suppression group."""
    if len(detections) == 0:
        return detections
    groups = suppression_group(detections.class_id)
    keep = []
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        keep.append(members[_greedy(detections.xyxy[members], detections.confidence[members], iou_threshold)])
    return detections[np.sort(np.concatenate(keep))]
