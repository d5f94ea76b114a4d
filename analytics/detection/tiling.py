"""Detection on overlapping tiles of a frame's region, so that small vehicles reach the model larger.

A 416-pixel model sees a 1280-pixel frame shrunk three times: a car 25 pixels long from a high
camera becomes 8 pixels and is missed. Cutting the analysed region into N×N tiles, each a quarter
larger than an N-th of the region so that neighbours overlap, shows each vehicle N times larger.

Boxes found in a tile are shifted back to frame pixels and merged once over the frame. Two boxes
from two tiles show one vehicle when what each shows of the pixels both tiles see overlaps the other
as much as the detector's suppression asks of one object's boxes (IoU of the boxes clipped to the
two tiles' common rectangle, same suppression group). A vehicle cut by a tile's inner edge gives a
part box there and a whole one in the neighbour: whole boxes overlap little with parts (low IoU), so
plain suppression would keep both, but clipped to what both tiles see they agree. Then:

- Each region has an owner: of the boxes showing one vehicle, the one lying farthest from its own
  tile's inner edges wins where it is whole there (more than EDGE_PX from them); the others go, and
  the winner takes their best score (the model may be surer of a part than of the whole seen at a
  tile's border). A tile that saw the region whole decides; where it found nothing, the part stays
  (a vehicle the model missed in one tile is not lost for it).
- Parts that no tile saw whole (a vehicle longer than the tiles' overlap: one part in each tile)
  are united: the best part, stretched across the edges that cut it to the others' extent.
- The rest go through the detector's usual suppression (analytics.detection.nms), once over the
  frame, so a vehicle whole in two overlapping tiles is one box.

Boxes of one tile are never merged with each other, nor by containment: a car half hidden behind a
lorry keeps its own box, as without tiles.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import supervision as sv
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from analytics.detection.columns import class_ids, confidences
from analytics.detection.nms import non_max_suppression, suppression_group

# A tile is this much larger than an N-th of the region: neighbours share a fifth of a tile, room
# for a whole vehicle 20-60 pixels long in the frames this is for.
TILE_OVERLAP = 1.25
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

    @property
    def rect(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in frame pixels."""
        return self.x, self.y, self.x + self.width, self.y + self.height

    def crop(self, image: np.ndarray) -> np.ndarray:
        return image[self.y : self.y + self.height, self.x : self.x + self.width]

    def to_frame(self, detections: sv.Detections) -> sv.Detections:
        """The tile's detections (in tile pixels) shifted to frame pixels."""
        detections.xyxy = detections.xyxy + np.array([self.x, self.y, self.x, self.y], dtype=np.float32)
        return detections

    def gaps(self, detections: sv.Detections) -> np.ndarray:
        """[n, 4]: how far each box (in frame pixels) ends from the tile's left, top, right and bottom
        edges where they are inner (infinite where the frame or region ends: nothing lies beyond)."""
        distance = np.abs(detections.xyxy.astype(np.float64) - np.array(self.rect, dtype=np.float64))
        return np.where(self.inner, distance, np.inf)


def merge_tiles(tiles: Sequence[Tile], found: Sequence[sv.Detections], iou_threshold: float) -> sv.Detections:
    """One frame's detections from those of its tiles (in tile pixels): each vehicle's box from the
    tile that saw it whole, parts no tile saw whole united, then suppression over the frame."""
    placed: list[sv.Detections] = []
    views: list[np.ndarray] = []
    gaps: list[np.ndarray] = []
    for tile, detections in zip(tiles, found, strict=True):
        if len(detections):
            placed.append(tile.to_frame(detections))
            views.append(np.tile(np.array(tile.rect, dtype=np.float64), (len(detections), 1)))
            gaps.append(tile.gaps(placed[-1]))
    if not placed:
        return sv.Detections.empty()
    merged = sv.Detections.merge(placed)
    seen_from = np.concatenate(views)
    clearance = np.concatenate(gaps).min(axis=1)
    same = _same_vehicle(merged.xyxy.astype(np.float64), seen_from, class_ids(merged), iou_threshold)
    owned = same & (clearance[None, :] > clearance[:, None]) & (clearance[None, :] > EDGE_PX)
    scores = confidences(merged)
    merged.confidence = np.maximum(scores, np.where(owned, scores[:, None], 0).max(axis=0))
    left = np.flatnonzero(~owned.any(axis=1))
    # What still agrees is parts of a vehicle no tile saw whole: a whole view would have owned them.
    united = _united(_rows(merged, left), same[np.ix_(left, left)], seen_from[left])
    return non_max_suppression(united, iou_threshold)


def _same_vehicle(
    boxes: np.ndarray, views: np.ndarray, classes: np.ndarray, iou_threshold: float
) -> np.ndarray:
    """[i, j]: boxes i and j, found in two different tiles (`views`, the tile of each box), show one
    vehicle: of one suppression group, and what each shows of the pixels both tiles see overlaps
    the other as much as the suppression asks of one object's boxes."""
    seen_lo = np.maximum(views[:, None, :2], views[None, :, :2])
    seen_hi = np.minimum(views[:, None, 2:], views[None, :, 2:])
    lo_i = np.maximum(boxes[:, None, :2], seen_lo)
    hi_i = np.minimum(boxes[:, None, 2:], seen_hi)
    lo_j = np.maximum(boxes[None, :, :2], seen_lo)
    hi_j = np.minimum(boxes[None, :, 2:], seen_hi)
    area_i = np.clip(hi_i - lo_i, 0, None).prod(axis=2)
    area_j = np.clip(hi_j - lo_j, 0, None).prod(axis=2)
    common = np.clip(np.minimum(hi_i, hi_j) - np.maximum(lo_i, lo_j), 0, None).prod(axis=2)
    iou = common / np.maximum(area_i + area_j - common, 1e-9)
    groups = suppression_group(classes)
    other_tile = (views[:, None, :] != views[None, :, :]).any(axis=2)
    return other_tile & (groups[:, None] == groups[None, :]) & (iou >= iou_threshold)


def _united(detections: sv.Detections, same: np.ndarray, views: np.ndarray) -> sv.Detections:
    """Each set of parts of one vehicle as one box: the best part's, with its class and score, its
    tile's view kept where it saw, and past each inner edge of that tile the side found by the best
    part of a tile that sees past it (one doubtful box does not stretch the vehicle)."""
    count, vehicle = connected_components(csr_matrix(same), directed=False)
    if count == len(detections):
        return detections
    scores = confidences(detections)
    xyxy = detections.xyxy
    best = np.sort([np.flatnonzero(vehicle == v)[np.argmax(scores[vehicle == v])] for v in range(count)])
    boxes = []
    for index in best:
        box = xyxy[index].copy()
        members = np.flatnonzero(vehicle == vehicle[index])
        # Side k of a tile: left and top (k < 2) see past when smaller, right and bottom when larger.
        past = np.where(np.arange(4) < 2, views[members] < views[index], views[members] > views[index])
        for side in range(4):
            seeing = members[past[:, side]]
            if len(seeing):
                found = xyxy[seeing[np.argmax(scores[seeing])], side]
                box[side] = min(box[side], found) if side < 2 else max(box[side], found)
        boxes.append(box)
    united = _rows(detections, best)
    united.xyxy = np.array(boxes, dtype=xyxy.dtype)
    return united


def _rows(detections: sv.Detections, index: np.ndarray) -> sv.Detections:
    # Supervision annotates every kind of index with one union; an index array gives Detections.
    return detections[index]  # type: ignore[return-value]
