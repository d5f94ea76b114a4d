"""Detection on overlapping tiles of a frame's region, so that small vehicles reach the model larger.

A 416-pixel model sees a 1280-pixel frame shrunk three times: a car 25 pixels long from a high
camera becomes 8 pixels and is missed. Cutting the analysed region into N×N tiles, each a quarter
larger than an N-th of the region so that neighbours overlap, shows each vehicle N times larger.

Boxes found in a tile are shifted back to frame pixels and merged once over the frame:

- A vehicle cut by a tile's inner edge gives a part box there and a whole one in the neighbour; the
  two overlap little (low IoU), so suppression by IoU keeps both. A box touching an inner edge is
  therefore a part: it goes when a larger box of its suppression group covers most of it
  (intersection over the part's own area) and spans the same rows (or columns) as the part along the
  edge that cut it, and that box takes the part's score when higher (the
  model may be surer of a part than of the whole seen at a tile's border); nothing covering it, the
  part stays (a vehicle no tile sees whole).
- The rest go through the detector's usual suppression (analytics.detection.nms), once over the frame,
  so a vehicle whole in two overlapping tiles is one box.

Boxes away from inner edges are never merged by containment: a car half hidden behind a lorry on
the whole frame keeps its own box, as without tiles.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import supervision as sv

from analytics.detection.columns import class_ids, confidences
from analytics.detection.nms import non_max_suppression, suppression_group

# A tile is this much larger than an N-th of the region: neighbours share a fifth of a tile, room
# for a whole vehicle 20-60 pixels long in the frames this is for.
TILE_OVERLAP = 1.25
# Share of a part box that a larger box of its group must cover to take its place. A part seen in
# the overlap band lies inside the whole vehicle's box up to the model's few pixels of slack.
PART_COVERED = 0.6
# A part and its whole box span the same rows (a part cut by a left or right edge) or columns (top or
# bottom) to this intersection over union: a large stray box around several vehicles does not.
SAME_SPAN = 0.7
# A box ending this close to a tile's inner edge (frame pixels) was cut by it: the model's boxes of a
# cut vehicle end on the edge give or take a pixel or two.
EDGE_PX = 3.0

Region = tuple[float, float, float, float]
WHOLE_PICTURE: Region = (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True, slots=True)
class Tiling:
    """How one camera's frames are cut for the detector: `per_side`² tiles over `region`, normalised
    (left, top, right, bottom) of the picture. The default is the whole frame in one piece."""

    per_side: int = 1
    region: Region = WHOLE_PICTURE

    def tiles(self, frame_size: tuple[int, int]) -> list["Tile"]:
        """The tiles of a frame (height, width), row by row."""
        height, width = frame_size
        left, top, right, bottom = self.region
        x0, y0 = round(left * width), round(top * height)
        region_w, region_h = round(right * width) - x0, round(bottom * height) - y0
        if self.per_side == 1:
            return [Tile(x0, y0, region_w, region_h, (False, False, False, False))]
        tile_w = min(region_w, round(region_w / self.per_side * TILE_OVERLAP))
        tile_h = min(region_h, round(region_h / self.per_side * TILE_OVERLAP))
        xs = np.linspace(x0, x0 + region_w - tile_w, self.per_side).round().astype(int)
        ys = np.linspace(y0, y0 + region_h - tile_h, self.per_side).round().astype(int)
        last = self.per_side - 1
        return [
            Tile(int(x), int(y), tile_w, tile_h, (column > 0, row > 0, column < last, row < last))
            for row, y in enumerate(ys)
            for column, x in enumerate(xs)
        ]


@dataclass(frozen=True, slots=True)
class Tile:
    """A rectangle of the frame in pixels; `inner` says which of its left, top, right and bottom
    edges cut through the region (a neighbouring tile sees past them)."""

    x: int
    y: int
    width: int
    height: int
    inner: tuple[bool, bool, bool, bool]

    def crop(self, image: np.ndarray) -> np.ndarray:
        return image[self.y : self.y + self.height, self.x : self.x + self.width]

    def to_frame(self, detections: sv.Detections) -> sv.Detections:
        """The tile's detections (in tile pixels) shifted to frame pixels."""
        detections.xyxy = detections.xyxy + np.array([self.x, self.y, self.x, self.y], dtype=np.float32)
        return detections

    def cuts(self, detections: sv.Detections) -> np.ndarray:
        """[n, 2]: whether each box (in frame pixels) ends on an inner left or right edge, and on an inner
        top or bottom edge: a vehicle the edge may have cut across x, across y."""
        edges = np.array([self.x, self.y, self.x + self.width, self.y + self.height], dtype=np.float32)
        touching = (np.abs(detections.xyxy - edges) <= EDGE_PX) & np.array(self.inner)
        return np.column_stack([touching[:, [0, 2]].any(axis=1), touching[:, [1, 3]].any(axis=1)])


def merge_tiles(tiles: Sequence[Tile], found: Sequence[sv.Detections], iou_threshold: float) -> sv.Detections:
    """One frame's detections from those of its tiles (in tile pixels): parts covered by a larger box
    dropped, then suppression over the frame."""
    placed: list[sv.Detections] = []
    cuts: list[np.ndarray] = []
    for tile, detections in zip(tiles, found, strict=True):
        if len(detections):
            placed.append(tile.to_frame(detections))
            cuts.append(tile.cuts(placed[-1]))
    if not placed:
        return sv.Detections.empty()
    merged = sv.Detections.merge(placed)
    absorbs = _wholes_of_parts(merged.xyxy.astype(np.float64), np.concatenate(cuts), class_ids(merged))
    # The vehicle's score is its best view's: a part the model is sure of vouches for the whole box.
    scores = confidences(merged)
    merged.confidence = np.maximum(scores, np.where(absorbs, scores[:, None], 0).max(axis=0))
    kept = merged[np.flatnonzero(~absorbs.any(axis=1))]
    return non_max_suppression(kept, iou_threshold)  # type: ignore[arg-type]


def _wholes_of_parts(boxes: np.ndarray, cuts: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """[i, j]: box i is a part (cut by an inner edge) and box j its whole: larger, of its suppression
    group, covering most of it, and spanning the same rows (a cut across x) or columns (across y)."""
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    top_left = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    bottom_right = np.minimum(boxes[:, None, 2:], boxes[None, :, 2:])
    overlap = np.clip(bottom_right - top_left, 0, None)  # [i, j, (x, y)]
    spans = np.maximum(boxes[:, None, 2:], boxes[None, :, 2:]) - np.minimum(
        boxes[:, None, :2], boxes[None, :, :2]
    )
    same_span = overlap / np.maximum(spans, 1e-9) >= SAME_SPAN  # [i, j, (columns, rows)]
    groups = suppression_group(classes)
    whole = (
        (area[None, :] > area[:, None])
        & (groups[None, :] == groups[:, None])
        & (overlap.prod(axis=2) >= PART_COVERED * np.maximum(area, 1e-9)[:, None])
    )
    # A cut across x leaves the rows whole; across y, the columns.
    spans_kept = (~cuts[:, None, 0] | same_span[:, :, 1]) & (~cuts[:, None, 1] | same_span[:, :, 0])
    is_part = np.asarray(cuts.any(axis=1))
    return is_part[:, None] & whole & spans_kept
