"""A copy of the YOLOX model whose batch, height and width are free.

YOLOX's exporter fixes the batch at 1 and the input at the training size (416×416): in the graph
inputs and outputs, and in the three Reshape nodes of the head, whose target shapes are constants
[1, 85, -1]. Setting those first entries to 0 (ONNX: keep the input's dimension) and naming the axes
makes the graph take a batch in one call (what an accelerator wants) and a frame padded only to a
multiple of 32 instead of the whole square (on the CPU a 640×360 camera then costs 416×256, not
416×416: the same scale, less grey). The training size goes into the metadata, so the detector still
scales frames as before. The edit is checked by running both graphs: a batch must give, frame for
frame, what the original gives one frame at a time, and a smaller input the rows of its size.
"""

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

from analytics.detection.model_io import NOMINAL_SIZE_KEY, ModelError
from analytics.detection.yolox_decode import grid_rows

BATCH_AXIS = "batch"
CHECK_BATCH = 3
# A smaller input the check runs: 3 rows of 32 fewer, as a 16:9 camera gets.
CHECK_SHRINK = 96


def with_free_axes(model: onnx.ModelProto) -> onnx.ModelProto:
    edited = onnx.ModelProto()
    edited.CopyFrom(model)
    graph = edited.graph
    # The exporter's inferred intermediate shapes all say batch 1; without them ONNX Runtime infers anew.
    del graph.value_info[:]
    (model_input,) = graph.input
    height, width = (d.dim_value for d in model_input.type.tensor_type.shape.dim[2:])
    for name, dim in zip((BATCH_AXIS, "height", "width"), (0, 2, 3), strict=True):
        model_input.type.tensor_type.shape.dim[dim].dim_param = name
    for output in graph.output:
        output.type.tensor_type.shape.dim[0].dim_param = BATCH_AXIS
        output.type.tensor_type.shape.dim[1].dim_param = "rows"
    constants = {initializer.name: initializer for initializer in graph.initializer}
    for node in graph.node:
        if node.op_type != "Reshape" or node.input[1] not in constants:
            continue
        target = numpy_helper.to_array(constants[node.input[1]]).copy()
        if target[0] != 1:
            raise ModelError(
                f"reshape {node.name} has target shape {target.tolist()}; expected a batch of 1 first"
            )
        target[0] = 0
        constants[node.input[1]].CopyFrom(numpy_helper.from_array(target, node.input[1]))
    onnx.helper.set_model_props(edited, {NOMINAL_SIZE_KEY: f"{height}x{width}"})
    onnx.checker.check_model(edited)
    return edited


def check_same_outputs(original: onnx.ModelProto, edited: onnx.ModelProto, seed: int = 0) -> float:
    """The largest difference between a batch through `edited` and its frames one by one through
    `original`; raises ModelError when they disagree or a smaller input gives the wrong rows."""
    run_original = _session(original)
    run_edited = _session(edited)
    shape = [d.dim_value for d in original.graph.input[0].type.tensor_type.shape.dim]
    rng = np.random.default_rng(seed)
    batch = rng.uniform(0, 255, (CHECK_BATCH, *shape[1:])).astype(np.float32)
    name = original.graph.input[0].name
    one_by_one = np.concatenate(
        [run_original.run(None, {name: batch[i : i + 1]})[0] for i in range(CHECK_BATCH)]
    )
    together = run_edited.run(None, {name: batch})[0]
    difference = float(np.max(np.abs(together - one_by_one)))
    if together.shape != one_by_one.shape or not np.allclose(together, one_by_one, rtol=1e-3, atol=1e-3):
        raise ModelError(f"the edited copy disagrees with the original (largest difference {difference})")
    smaller = (shape[2] - CHECK_SHRINK, shape[3])
    rows = run_edited.run(None, {name: batch[:1, :, : smaller[0], :]})[0].shape[1]
    if rows != grid_rows(smaller):
        raise ModelError(
            f"the edited copy gives {rows} rows for a {smaller[0]}x{smaller[1]} input, not {grid_rows(smaller)}"
        )
    return difference


def write_free_axes_copy(source: Path, destination: Path) -> float:
    """Edit `source`, check the edit, write it to `destination`; the largest output difference."""
    original = onnx.load(str(source))
    edited = with_free_axes(original)
    difference = check_same_outputs(original, edited)
    onnx.save(edited, str(destination))
    return difference


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
