"""The columns of supervision's `Detections` the product always fills.

Supervision types class ids, confidences and tracker ids as optional; the detector always sets the
first two and the tracker all three. Reading them through here says so once, and a caller handing
over detections without them gets a clear error instead of a `TypeError` deep in numpy.
"""

import numpy as np
import supervision as sv


def class_ids(detections: sv.Detections) -> np.ndarray:
    return _filled(detections.class_id, "class ids")


def confidences(detections: sv.Detections) -> np.ndarray:
    return _filled(detections.confidence, "confidences")


def tracker_ids(detections: sv.Detections) -> np.ndarray:
    return _filled(detections.tracker_id, "tracker ids")


def _filled(column: np.ndarray | None, what: str) -> np.ndarray:
    if column is None:
        raise ValueError(f"detections without {what}")
    return column
