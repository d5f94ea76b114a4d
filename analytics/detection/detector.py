"""The detector: a YOLOX model on frames of one or several cameras, run by an inference backend."""

import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import supervision as sv

from analytics.detection.inference import InferenceBackend, OnnxRuntimeBackend
from analytics.detection.letterbox import Letterbox
from analytics.detection.model_io import ModelShapes
from analytics.detection.nms import non_max_suppression
from analytics.detection.providers import Device
from analytics.detection.tiling import Tile, Tiling, merge_tiles
from analytics.detection.yolox_decode import YoloxDecoder
from analytics.frame_tracks import CLASS_IDS
from analytics.stage_clock import StageClock

logger = logging.getLogger(__name__)

_SCORE_THRESHOLD = 0.1
_NMS_IOU = 0.45


def _done(detections: sv.Detections) -> "Future[sv.Detections]":
    future: Future[sv.Detections] = Future()
    future.set_result(detections)
    return future


def _joined(
    parts: list["Future[sv.Detections]"], merge: Callable[[list[sv.Detections]], sv.Detections]
) -> "Future[sv.Detections]":
    """One future for an image's tiles, completed by the last of them to finish."""
    joined: Future[sv.Detections] = Future()
    remaining = [len(parts)]

    def one_done(_part: "Future[sv.Detections]") -> None:
        remaining[0] -= 1
        if remaining[0]:
            return
        try:
            joined.set_result(merge([part.result() for part in parts]))
        except BaseException as error:  # the tile's own failure goes to the caller
            joined.set_exception(error)

    for part in parts:
        part.add_done_callback(one_done)
    return joined


class Detector:
    """Persons and vehicles in BGR frames of any size; one call may hold frames of several cameras.

    Returns, per image, `sv.Detections` with pixel xyxy, confidence and COCO class_id. The score
    threshold is low on purpose: the tracker uses weak detections to keep tracks alive, and each
    skill applies its own confidence threshold. A backend that batches gets the frames of one call as
    one batch (one request to Triton); one that runs frames one by one gets several at once, on
    threads of its own. CPU time spent detecting goes to `clock` under "detection".

    Each image may come with its camera's `Tiling` (analytics.detection.tiling): its tiles then go to
    the model like frames of their own (in the same batch, or on the threads), and their boxes come
    back merged, in frame pixels. A frame costs one inference per tile.
    """

    def __init__(self, backend: InferenceBackend, clock: StageClock | None = None) -> None:
        self.backend = backend
        self.clock = clock or StageClock()
        self._decoder: YoloxDecoder | None = None
        self._threads = (
            ThreadPoolExecutor(backend.parallel_frames, thread_name_prefix="detect")
            if not backend.batches and backend.parallel_frames > 1
            else None
        )
        logger.info("detector: %s", backend.description)

    @classmethod
    def in_process(cls, model: Path, device: Device = "auto") -> "Detector":
        """The model run by ONNX Runtime in this process (raises ModelError, DeviceUnavailableError)."""
        return cls(OnnxRuntimeBackend(model, device))

    @property
    def description(self) -> str:
        return self.backend.description

    @property
    def device(self) -> str:
        return self.backend.device

    @property
    def shapes(self) -> ModelShapes:
        return self.backend.shapes()

    @property
    def input_size(self) -> tuple[int, int]:
        return self.shapes.input_size

    def detect(
        self, images: Sequence[np.ndarray], tilings: Sequence[Tiling] | None = None
    ) -> list[sv.Detections]:
        """Raises InferenceUnavailable when a remote tier does not answer; nothing is kept then."""
        return [found.result() for found in self.submit(images, tilings)]

    def submit(
        self, images: Sequence[np.ndarray], tilings: Sequence[Tiling] | None = None
    ) -> list["Future[sv.Detections]"]:
        """The detections of each image, as futures that complete in order when frames run on
        threads, so the caller can track the first while the next are still inferred. `tilings`,
        one per image, default to the whole frame.

        Raises InferenceUnavailable, before returning, when a remote tier does not answer."""
        if not images:
            return []
        tiled = [
            tiling.tiles(image.shape[:2])
            for image, tiling in zip(images, tilings or [Tiling()] * len(images), strict=True)
        ]
        crops = [tile.crop(image) for image, tiles in zip(images, tiled, strict=True) for tile in tiles]
        if self.backend.batches:
            with self.clock.measure("detection"):
                found = iter(self._detect_batch(crops))
                return [_done(self._merged(tiles, [next(found) for _ in tiles])) for tiles in tiled]
        if self._threads is None:
            found = iter([self._detect_one(crop) for crop in crops])
            return [_done(self._merged(tiles, [next(found) for _ in tiles])) for tiles in tiled]
        parts = iter([self._threads.submit(self._detect_one, crop) for crop in crops])
        return [
            _joined([next(parts) for _ in tiles], functools.partial(self._merged, tiles)) for tiles in tiled
        ]

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(cancel_futures=True)

    @staticmethod
    def _merged(tiles: list[Tile], found: list[sv.Detections]) -> sv.Detections:
        """A frame analysed whole (one tile at the origin) is returned as the model found it."""
        if len(tiles) == 1 and tiles[0].x == tiles[0].y == 0:
            return found[0]
        return merge_tiles(tiles, found, _NMS_IOU)

    def _detect_batch(self, images: Sequence[np.ndarray]) -> list[sv.Detections]:
        size = self.input_size
        boxes = [Letterbox.fit(image.shape[:2], size) for image in images]
        blob = np.stack([box.apply(image, size) for box, image in zip(boxes, images, strict=True)])
        outputs = self.backend.infer(_as_input(blob))
        return [
            self._detections(rows, box, image.shape[:2])
            for rows, box, image in zip(outputs, boxes, images, strict=True)
        ]

    def _detect_one(self, image: np.ndarray) -> sv.Detections:
        with self.clock.measure("detection"):
            return self._detect_batch([image])[0]

    def _detections(self, rows: np.ndarray, box: Letterbox, frame_size: tuple[int, int]) -> sv.Detections:
        if self._decoder is None:
            self._decoder = YoloxDecoder(self.input_size, tuple(CLASS_IDS.values()), _SCORE_THRESHOLD)
        xyxy, scores, class_ids = self._decoder.decode(rows)
        detections = sv.Detections(
            xyxy=box.undo(xyxy, frame_size).astype(np.float32),
            confidence=scores.astype(np.float32),
            class_id=class_ids.astype(int),
        )
        return non_max_suppression(detections, _NMS_IOU)


def _as_input(blob: np.ndarray) -> np.ndarray:
    """[batch, height, width, 3] uint8 → [batch, 3, height, width] float32, as the model takes it."""
    return np.ascontiguousarray(blob.transpose(0, 3, 1, 2), dtype=np.float32)
