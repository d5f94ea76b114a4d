"""Non-maximum suppression that never reports one vehicle twice under two vehicle classes.

A parked van scores as both car and truck; per-class NMS would keep both boxes and the tracker
would follow two objects. Vehicles therefore share one suppression group; persons have their own
(a cyclist's person box must survive its bicycle box).
"""

import numpy as np
import supervision as sv

from analytics.detection.columns import class_ids, confidences
from analytics.frame_tracks import CLASS_IDS, VEHICLE_CLASSES

_VEHICLE_IDS = np.asarray(sorted(CLASS_IDS[name] for name in VEHICLE_CLASSES))


def suppression_group(class_ids: np.ndarray) -> np.ndarray:
    """Group of each detection: all vehicle classes share one group, other classes their own id."""
    return np.where(np.isin(class_ids, _VEHICLE_IDS), -1, class_ids)


def non_max_suppression(detections: sv.Detections, iou_threshold: float) -> sv.Detections:
    """Keep the best-scoring box of each overlapping cluster within its suppression group."""
    if len(detections) == 0:
        return detections
    groups = suppression_group(class_ids(detections))
    scores = confidences(detections)
    keep = []
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        scored = np.column_stack([detections.xyxy[members], scores[members]])
        keep.append(members[sv.box_non_max_suppression(scored, iou_threshold)])
    # Supervision annotates every kind of index with one union; an index array gives Detections.
    return detections[np.sort(np.concatenate(keep))]  # type: ignore[return-value]
