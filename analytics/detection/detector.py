"""The detector: a YOLOX model on frames of one or several cameras, run by an inference backend."""

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import supervision as sv

from analytics.detection.inference import InferenceBackend, OnnxRuntimeBackend
from analytics.detection.letterbox import Letterbox
from analytics.detection.model_io import ModelShapes
from analytics.detection.nms import non_max_suppression
from analytics.detection.providers import Device
from analytics.detection.yolox_decode import YoloxDecoder
from analytics.frame_tracks import CLASS_IDS

logger = logging.getLogger(__name__)

_SCORE_THRESHOLD = 0.1
_NMS_IOU = 0.45


class Detector:
    """Persons and vehicles in BGR frames of any size; one call may hold frames of several cameras.

    Returns, per image, `sv.Detections` with pixel xyxy, confidence and COCO class_id. The score
    threshold is low on purpose: the tracker uses weak detections to keep tracks alive, and each
    skill applies its own confidence threshold. The frames of one call go to the backend as one
    batch (one request to Triton).
    """

    def __init__(self, backend: InferenceBackend) -> None:
        self.backend = backend
        self._decoder: YoloxDecoder | None = None
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

    def detect(self, images: Sequence[np.ndarray]) -> list[sv.Detections]:
        """Raises InferenceUnavailable when a remote tier does not answer; nothing is kept then."""
        if not images:
            return []
        size = self.input_size
        boxes = [Letterbox.fit(image.shape[:2], size) for image in images]
        blob = np.stack([box.apply(image, size) for box, image in zip(boxes, images, strict=True)])
        blob = np.ascontiguousarray(blob.transpose(0, 3, 1, 2), dtype=np.float32)
        outputs = self.backend.infer(blob)
        return [
            self._detections(rows, box, image.shape[:2])
            for rows, box, image in zip(outputs, boxes, images, strict=True)
        ]

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
