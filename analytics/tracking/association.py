"""Pairing tracks with detections: costs and a gated one-to-one assignment."""

import numpy as np
from scipy.optimize import linear_sum_assignment


def normalised_distance(tracks_cxcywh: np.ndarray, detections_cxcywh: np.ndarray) -> np.ndarray:
    """Centre distance in units of the track's box height, inflated by the difference in size.

    Dividing by the height makes the gate the same for near and far objects; the size term keeps a
    small far person from taking over the track of a near one.
    """
    offset = tracks_cxcywh[:, None, :2] - detections_cxcywh[None, :, :2]
    distance = np.linalg.norm(offset, axis=2) / tracks_cxcywh[:, None, 3]
    size_ratio = detections_cxcywh[None, :, 3] / tracks_cxcywh[:, None, 3]
    return distance + np.abs(np.log(size_ratio))


def assign(
    cost: np.ndarray, max_cost: float | np.ndarray
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Minimum-cost one-to-one pairs whose cost is within `max_cost` (per row when an array).

    Returns (pairs (row, column), unmatched rows, unmatched columns).
    """
    rows_n, cols_n = cost.shape
    limit = (
        np.broadcast_to(np.asarray(max_cost, dtype=float).reshape(-1, 1), cost.shape)
        if np.ndim(max_cost)
        else max_cost
    )
    allowed = cost <= limit
    pairs: list[tuple[int, int]] = []
    if allowed.any():
        # Forbidden pairs get a cost no allowed combination can reach, so the assignment never
        # trades an allowed pair for one of them.
        gated = np.where(allowed, cost, cost[allowed].max() * (rows_n + cols_n) + 1e6)
        rows, cols = linear_sum_assignment(gated)
        pairs = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if allowed[r, c]]
    matched_rows = {r for r, _ in pairs}
    matched_cols = {c for _, c in pairs}
    return (
        pairs,
        [r for r in range(rows_n) if r not in matched_rows],
        [c for c in range(cols_n) if c not in matched_cols],
    )
