"""Detection on tiles of real frames: boxes come back in frame pixels exactly as each tile alone gives
them, a vehicle cut by a tile edge is one box, and a batching backend gets every tile in one request."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import cv2
import numpy as np
import pytest
import supervision as sv

from analytics.detection import Detector
from analytics.detection.dynamic_batch import write_dynamic_batch_copy
from analytics.detection.inference import OnnxRuntimeBackend
from analytics.detection.nms import non_max_suppression
from analytics.detection.tiling import Tile, Tiling

MIN_CONFIDENCE = 0.35  # the skills' default
CAR = 2


def _frame(path: Path, index: int) -> np.ndarray:
    """Frame `index` (0-based) of a clip, as decoded."""
    capture = cv2.VideoCapture(str(path))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, image = capture.read()
    capture.release()
    assert ok, f"{path} has no frame {index}"
    return image


@pytest.fixture(scope="module")
def detector(shared_asset: Callable[[str], Path]) -> Iterator[Detector]:
    found = Detector.in_process(shared_asset("models/yolox_nano.onnx"), device="cpu")
    yield found
    found.close()


def _sorted(detections: sv.Detections) -> np.ndarray:
    rows = np.column_stack([detections.xyxy, detections.confidence, detections.class_id])
    return rows[np.lexsort(rows[:, :2].T[::-1])]


def _confident_vehicles(detections: sv.Detections) -> sv.Detections:
    keep = (np.asarray(detections.confidence) >= MIN_CONFIDENCE) & (np.asarray(detections.class_id) != 0)
    return detections[np.flatnonzero(keep)]


def test_tiles_cover_the_region_overlap_their_neighbours_and_know_their_inner_edges() -> None:
    assert Tiling(2).tiles((480, 640)) == [
        Tile(0, 0, 400, 300, (False, False, True, True)),
        Tile(240, 0, 400, 300, (True, False, False, True)),
        Tile(0, 180, 400, 300, (False, True, True, False)),
        Tile(240, 180, 400, 300, (True, True, False, False)),
    ]
    assert Tiling().tiles((480, 640)) == [Tile(0, 0, 640, 480, (False, False, False, False))]
    lower_half = Tiling(3, (0.0, 0.5, 1.0, 1.0)).tiles((480, 640))
    assert len(lower_half) == 9
    assert min(t.y for t in lower_half) == 240 and max(t.y + t.height for t in lower_half) == 480
    assert min(t.x for t in lower_half) == 0 and max(t.x + t.width for t in lower_half) == 640


@pytest.mark.parametrize("corner", [0, 1, 2, 3])
def test_a_box_found_in_a_tile_is_that_tile_detected_alone_shifted_to_the_frame(
    shared_asset: Callable[[str], Path], detector: Detector, corner: int
) -> None:
    # A PETS frame (768×576) in the corner of a grey 2048×1536 frame that only one of the 2×2 tiles
    # (1280×960, at x 0 or 768, y 0 or 576) sees: what the tiled detector returns is that tile's own
    # detections, moved by the tile's offset, to the last bit.
    picture = _frame(shared_asset("data/pets09-s2l1/vtest.avi"), 0)
    frame = np.full((1536, 2048, 3), 114, dtype=np.uint8)
    x, y = (0, 1280)[corner % 2], (0, 960)[corner // 2]
    frame[y : y + 576, x : x + 768] = picture
    tile = Tiling(2).tiles(frame.shape[:2])[corner]

    (tiled,) = detector.detect([frame], [Tiling(2)])
    (alone,) = detector.detect([tile.crop(frame)])

    assert len(alone[np.asarray(alone.confidence) >= MIN_CONFIDENCE]) >= 3  # PETS: pedestrians
    alone.xyxy = alone.xyxy + np.array([tile.x, tile.y, tile.x, tile.y], dtype=np.float32)
    np.testing.assert_array_equal(_sorted(tiled), _sorted(alone))


def test_a_region_is_detected_alone_and_shifted_to_the_frame(
    shared_asset: Callable[[str], Path], detector: Detector
) -> None:
    frame = _frame(shared_asset("data/pets09-s2l1/vtest.avi"), 0)
    region = (0.25, 0.5, 1.0, 1.0)  # x from 192, y from 288
    (tiled,) = detector.detect([frame], [Tiling(1, region)])
    (alone,) = detector.detect([frame[288:, 192:]])
    assert len(alone) > 0
    alone.xyxy = alone.xyxy + np.array([192, 288, 192, 288], dtype=np.float32)
    np.testing.assert_array_equal(_sorted(tiled), _sorted(alone))
    assert (tiled.xyxy[:, :2] >= [192, 288]).all()


def test_a_car_across_a_tile_edge_is_one_box_after_the_merge(
    shared_asset: Callable[[str], Path], detector: Detector
) -> None:
    # Urban frame 1150 (320×240) has a car at x 137-180; rolled 48 pixels right it lies across x = 200,
    # the right edge of the top-left 2×2 tile (x 0-200): that tile sees its left part, the top-right
    # tile (x 120-320) the whole car.
    frame = np.roll(_frame(shared_asset("data/traffic/urban-320x240.avi"), 1150), 48, axis=1)
    tiles = Tiling(2).tiles(frame.shape[:2])
    assert tiles[0].x + tiles[0].width == 200
    per_tile = detector.detect([tile.crop(frame) for tile in tiles])
    for tile, found in zip(tiles, per_tile, strict=True):
        found.xyxy = found.xyxy + np.array([tile.x, tile.y, tile.x, tile.y], dtype=np.float32)
    left, right = _confident_vehicles(per_tile[0]), _confident_vehicles(per_tile[1])
    part = left[np.abs(left.xyxy[:, 2] - 200) <= 1]
    whole = right[(right.xyxy[:, 0] < 200) & (right.xyxy[:, 2] > 210)]
    assert len(part) == 1 and len(whole) == 1, (left.xyxy, right.xyxy)
    # The case plain suppression gets wrong: the part and the whole overlap too little to be merged.
    plain = _confident_vehicles(non_max_suppression(sv.Detections.merge(per_tile), 0.45))
    assert len(plain[(plain.xyxy[:, 2] > 190) & (plain.xyxy[:, 0] < 200)]) == 2

    (merged,) = detector.detect([frame], [Tiling(2)])

    across = _confident_vehicles(merged)
    across = across[(across.xyxy[:, 2] > 190) & (across.xyxy[:, 0] < 200)]
    assert len(across) == 1
    np.testing.assert_allclose(across.xyxy[0], whole.xyxy[0], atol=1e-3)


def test_a_vehicle_longer_than_the_overlap_is_one_box_across_both_tiles(
    shared_asset: Callable[[str], Path], detector: Detector
) -> None:
    # Urban frame 230's truck (x 192-248, y 42-105) stretched 1.8 times along the road and pasted at
    # x 63-164 in the top row of 3×3 tiles: longer than the overlap of the first two tiles (x 94-133),
    # so each of them sees a part cut by its inner edge and neither sees it whole.
    frame = _frame(shared_asset("data/traffic/urban-320x240.avi"), 230)
    truck = cv2.resize(frame[42:105, 192:248], None, fx=1.8, fy=1.0, interpolation=cv2.INTER_LINEAR)
    frame[2:65, 63:164] = truck[:, :101]
    tiles = Tiling(3).tiles(frame.shape[:2])
    assert (tiles[1].x, tiles[0].x + tiles[0].width) == (94, 133)
    per_tile = detector.detect([tile.crop(frame) for tile in tiles[:2]])
    left = per_tile[0].xyxy
    right = per_tile[1].xyxy + np.array([tiles[1].x, 0, tiles[1].x, 0])
    assert (np.abs(left[:, 2] - 133) <= 1).any() and (np.abs(right[:, 0] - 94) <= 1).any(), (left, right)

    (merged,) = detector.detect([frame], [Tiling(3)])

    found = _confident_vehicles(merged)
    centre = (found.xyxy[:, :2] + found.xyxy[:, 2:]) / 2
    on_truck = found[((centre >= [63, 2]) & (centre <= [164, 65])).all(axis=1)]
    assert len(on_truck) == 1, found.xyxy
    # Neither tile alone could give this box: it reaches past both inner edges that cut the truck.
    x0, _, x1, _ = on_truck.xyxy[0]
    assert x0 < 94 and x1 > 133, on_truck.xyxy


def test_a_batching_backend_gets_every_tile_of_every_image_in_one_request(
    shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    class CountingBackend(OnnxRuntimeBackend):
        """The model's dynamic-batch copy, batching as an accelerator would; counts its requests."""

        requests: ClassVar[list[int]] = []

        def infer(self, blob: np.ndarray) -> np.ndarray:
            self.requests.append(len(blob))
            return super().infer(blob)

    dynamic = tmp_path / "dynamic.onnx"
    write_dynamic_batch_copy(shared_asset("models/yolox_nano.onnx"), dynamic)
    backend = CountingBackend(dynamic, "cpu")
    backend.batches = True
    frames = [_frame(shared_asset("data/traffic/urban-320x240.avi"), index) for index in (950, 1150)]
    batching, one_by_one = Detector(backend), Detector.in_process(dynamic, "cpu")

    together = batching.detect(frames, [Tiling(2), Tiling(3)])
    apart = one_by_one.detect(frames, [Tiling(2), Tiling(3)])

    assert backend.requests == [4 + 9]
    for found, alone in zip(together, apart, strict=True):
        assert len(found) == len(alone) > 0
        np.testing.assert_allclose(found.xyxy, alone.xyxy, atol=0.05)
    one_by_one.close()
