"""The detector: an ONNX YOLOX model run by ONNX Runtime on frames of one or several cameras."""

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import supervision as sv

from analytics.detection.letterbox import Letterbox
from analytics.detection.nms import non_max_suppression
from analytics.detection.providers import Device, choose_providers
from analytics.detection.yolox_decode import STRIDES, YoloxDecoder, grid_rows
from analytics.frame_tracks import CLASS_IDS

logger = logging.getLogger(__name__)

_BOX_AND_OBJECTNESS = 5
_SCORE_THRESHOLD = 0.1
_NMS_IOU = 0.45


class ModelError(ValueError):
    """The model file cannot be used as the detector; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class ModelShapes:
    """The model's single input and output, as ONNX Runtime reports them (str or None = dynamic)."""

    input_name: str
    input_shape: tuple[int | str | None, ...]
    output_shape: tuple[int | str | None, ...]

    @property
    def input_size(self) -> tuple[int, int]:
        """(height, width) of the network input."""
        return int(self.input_shape[2]), int(self.input_shape[3])  # type: ignore[arg-type]

    @property
    def fixed_batch(self) -> bool:
        return isinstance(self.input_shape[0], int)

    def describe(self) -> str:
        batch = "fixed at 1" if self.fixed_batch else "dynamic"
        return f"input {self.input_name} {list(self.input_shape)}, output {list(self.output_shape)}, batch {batch}"


def check_model_io(inputs: Sequence[Any], outputs: Sequence[Any], class_ids: Sequence[int]) -> ModelShapes:
    """The shapes of a YOLOX model's node args, or a ModelError listing what does not fit."""
    if len(inputs) != 1 or len(outputs) != 1:
        raise ModelError(
            f"expected one input and one output, got {len(inputs)} inputs {[i.name for i in inputs]} "
            f"and {len(outputs)} outputs {[o.name for o in outputs]}"
        )
    shapes = ModelShapes(inputs[0].name, tuple(inputs[0].shape), tuple(outputs[0].shape))
    problems = []
    batch, channels, *spatial = shapes.input_shape + (None,) * (4 - len(shapes.input_shape))
    if len(shapes.input_shape) != 4 or channels != 3:
        problems.append(f"input must be [batch, 3, height, width], got {list(shapes.input_shape)}")
    elif not all(isinstance(s, int) and s % max(STRIDES) == 0 for s in spatial):
        problems.append(f"input height and width must be fixed multiples of 32, got {spatial}")
    if isinstance(batch, int) and batch != 1:
        problems.append(f"input batch must be 1 or dynamic, got {batch}")
    if inputs[0].type != "tensor(float)":
        problems.append(f"input must be float32, got {inputs[0].type}")
    if not problems:
        rows = grid_rows(shapes.input_size)
        needed = _BOX_AND_OBJECTNESS + max(class_ids) + 1
        out = shapes.output_shape
        if len(out) != 3 or out[1] != rows or not isinstance(out[2], int) or out[2] < needed:
            problems.append(
                f"output must be [batch, {rows}, 5 + classes] (YOLOX head, strides {list(STRIDES)}, "
                f"at least {needed} columns), got {list(out)}"
            )
    if problems:
        raise ModelError("; ".join(problems))
    return shapes


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "genetec-analytics" / "tensorrt"


class Detector:
    """Persons and vehicles in BGR frames of any size; one call may hold frames of several cameras.

    Returns, per image, `sv.Detections` with pixel xyxy, confidence and COCO class_id. The score
    threshold is low on purpose: the tracker uses weak detections to keep tracks alive, and each
    skill applies its own confidence threshold.
    """

    def __init__(self, model: Path, device: Device = "auto") -> None:
        if not Path(model).is_file():
            raise ModelError(f"no model file at {model}")
        choice = choose_providers(device, _cache_dir())
        options = ort.SessionOptions()
        options.log_severity_level = 3  # our one line says where it runs; not ORT's warnings
        try:
            self._session = ort.InferenceSession(str(model), options, providers=choice.providers)
        except Exception as error:  # onnxruntime raises its own unrelated exception types
            raise ModelError(f"{model} is not a loadable ONNX model: {error}") from error
        class_ids = tuple(CLASS_IDS.values())
        self.shapes = check_model_io(self._session.get_inputs(), self._session.get_outputs(), class_ids)
        self._decoder = YoloxDecoder(self.shapes.input_size, class_ids, _SCORE_THRESHOLD)
        self.description = choice.describe()
        wanted = choice.providers[0] if isinstance(choice.providers[0], str) else choice.providers[0][0]
        running = self._session.get_providers()[0]
        if running != wanted:
            self.description += f" (onnxruntime could not start {wanted}; running {running})"
        self.device = choice.device
        logger.info("detector: %s", self.description)

    @property
    def input_size(self) -> tuple[int, int]:
        return self.shapes.input_size

    def detect(self, images: Sequence[np.ndarray]) -> list[sv.Detections]:
        if not images:
            return []
        boxes = [Letterbox.fit(image.shape[:2], self.input_size) for image in images]
        blob = np.stack([box.apply(image, self.input_size) for box, image in zip(boxes, images, strict=True)])
        blob = np.ascontiguousarray(blob.transpose(0, 3, 1, 2), dtype=np.float32)
        outputs = self._run(blob)
        return [
            self._detections(rows, box, image.shape[:2])
            for rows, box, image in zip(outputs, boxes, images, strict=True)
        ]

    def _run(self, blob: np.ndarray) -> np.ndarray:
        # A model exported with batch 1 (YOLOX's exporter) runs the batch as successive runs: on CPU
        # this costs about as much as one batched run of a dynamic-batch copy.
        if self.shapes.fixed_batch:
            return np.concatenate(
                [
                    self._session.run(None, {self.shapes.input_name: blob[i : i + 1]})[0]
                    for i in range(len(blob))
                ]
            )
        return self._session.run(None, {self.shapes.input_name: blob})[0]

    def _detections(self, rows: np.ndarray, box: Letterbox, frame_size: tuple[int, int]) -> sv.Detections:
        xyxy, scores, class_ids = self._decoder.decode(rows)
        detections = sv.Detections(
            xyxy=box.undo(xyxy, frame_size).astype(np.float32),
            confidence=scores.astype(np.float32),
            class_id=class_ids.astype(int),
        )
        return non_max_suppression(detections, _NMS_IOU)
