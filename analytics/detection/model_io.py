"""What the detector needs of a YOLOX model's input and output, wherever the model runs."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analytics.detection.yolox_decode import STRIDES, grid_rows

_BOX_AND_OBJECTNESS = 5
# Metadata key of a model whose height and width are free: the size it was trained for, "416x416".
NOMINAL_SIZE_KEY = "nominal_input_size"


class ModelError(ValueError):
    """The model file cannot be used as the detector; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class ModelShapes:
    """The model's single input and output, as ONNX Runtime reports them (str or None = dynamic).

    `nominal_size` is the size a model with free height and width was trained for (its metadata)."""

    input_name: str
    input_shape: tuple[int | str | None, ...]
    output_shape: tuple[int | str | None, ...]
    nominal_size: tuple[int, int] | None = None

    @property
    def input_size(self) -> tuple[int, int]:
        """(height, width) a frame is scaled to fit: the fixed input, or the nominal size."""
        if self.nominal_size is not None:
            return self.nominal_size
        return int(self.input_shape[2]), int(self.input_shape[3])  # type: ignore[arg-type]

    @property
    def fixed_batch(self) -> bool:
        return isinstance(self.input_shape[0], int)

    @property
    def free_size(self) -> bool:
        """Whether a frame may go in padded only to a multiple of 32 instead of the whole square."""
        return not all(isinstance(s, int) for s in self.input_shape[2:])

    def describe(self) -> str:
        batch = "fixed at 1" if self.fixed_batch else "dynamic"
        size = f", size free (nominal {self.input_size[0]}x{self.input_size[1]})" if self.free_size else ""
        return (
            f"input {self.input_name} {list(self.input_shape)}, output {list(self.output_shape)}, "
            f"batch {batch}{size}"
        )


def parse_nominal_size(metadata: dict[str, str]) -> tuple[int, int] | None:
    """The nominal size in a model's metadata, None when it has none; ModelError when unreadable."""
    text = metadata.get(NOMINAL_SIZE_KEY)
    if text is None:
        return None
    try:
        height, width = (int(part) for part in text.split("x"))
    except ValueError:
        raise ModelError(f"metadata {NOMINAL_SIZE_KEY}={text!r} is not HEIGHTxWIDTH") from None
    return height, width


def check_model_io(
    inputs: Sequence[Any],
    outputs: Sequence[Any],
    class_ids: Sequence[int],
    nominal_size: tuple[int, int] | None = None,
) -> ModelShapes:
    """The shapes of a YOLOX model's node args, or a ModelError listing what does not fit."""
    if len(inputs) != 1 or len(outputs) != 1:
        raise ModelError(
            f"expected one input and one output, got {len(inputs)} inputs {[i.name for i in inputs]} "
            f"and {len(outputs)} outputs {[o.name for o in outputs]}"
        )
    input_shape = tuple(inputs[0].shape)
    free = len(input_shape) == 4 and not all(isinstance(s, int) for s in input_shape[2:])
    shapes = ModelShapes(inputs[0].name, input_shape, tuple(outputs[0].shape), nominal_size if free else None)
    problems = []
    batch, channels, *spatial = shapes.input_shape + (None,) * (4 - len(shapes.input_shape))
    if free and nominal_size is not None:
        spatial = list(nominal_size)
    if len(shapes.input_shape) != 4 or channels != 3:
        problems.append(f"input must be [batch, 3, height, width], got {list(shapes.input_shape)}")
    elif not all(isinstance(s, int) and s % max(STRIDES) == 0 for s in spatial):
        problems.append(
            f"input height and width must be fixed multiples of 32 (or free, with metadata "
            f"{NOMINAL_SIZE_KEY} naming such a size), got {spatial}"
        )
    if isinstance(batch, int) and batch != 1:
        problems.append(f"input batch must be 1 or dynamic, got {batch}")
    if inputs[0].type != "tensor(float)":
        problems.append(f"input must be float32, got {inputs[0].type}")
    if not problems:
        rows = grid_rows(shapes.input_size)
        needed = _BOX_AND_OBJECTNESS + max(class_ids) + 1
        out = shapes.output_shape
        if (
            len(out) != 3
            or (out[1] != rows if not free else isinstance(out[1], int))
            or not isinstance(out[2], int)
            or out[2] < needed
        ):
            rows_text = "rows" if free else rows
            problems.append(
                f"output must be [batch, {rows_text}, 5 + classes] (YOLOX head, strides {list(STRIDES)}, "
                f"at least {needed} columns), got {list(out)}"
            )
    if problems:
        raise ModelError("; ".join(problems))
    return shapes
