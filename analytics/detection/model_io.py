"""What the detector needs of a YOLOX model's input and output, wherever the model runs."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analytics.detection.yolox_decode import STRIDES, grid_rows

_BOX_AND_OBJECTNESS = 5


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
