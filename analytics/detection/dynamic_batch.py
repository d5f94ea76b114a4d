"""A copy of the YOLOX model whose batch axis is dynamic, so that a batch of frames is one call.

YOLOX's exporter fixes the batch at 1: in the graph inputs and outputs, and in the three Reshape
nodes of the head, whose target shapes are constants [1, 85, -1]. Setting those first entries to 0
(ONNX: keep the input's dimension) and naming the batch axis makes the graph batch-agnostic without
re-exporting it. The edit is checked by running both graphs: a batch must give, frame for frame,
what the original gives one frame at a time.
"""

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

from analytics.detection.model_io import ModelError

BATCH_AXIS = "batch"
CHECK_BATCH = 3


def with_dynamic_batch(model: onnx.ModelProto) -> onnx.ModelProto:
    edited = onnx.ModelProto()
    edited.CopyFrom(model)
    graph = edited.graph
    # The exporter's inferred intermediate shapes all say batch 1; without them ONNX Runtime infers anew.
    del graph.value_info[:]
    for value in (*graph.input, *graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = BATCH_AXIS
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
    onnx.checker.check_model(edited)
    return edited


def check_same_outputs(original: onnx.ModelProto, edited: onnx.ModelProto, seed: int = 0) -> float:
    """The largest difference between a batch through `edited` and its frames one by one through
    `original`; raises ModelError when they disagree."""
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
        raise ModelError(
            f"the dynamic-batch copy disagrees with the original (largest difference {difference})"
        )
    return difference


def write_dynamic_batch_copy(source: Path, destination: Path) -> float:
    """Edit `source`, check the edit, write it to `destination`; the largest output difference."""
    original = onnx.load(str(source))
    edited = with_dynamic_batch(original)
    difference = check_same_outputs(original, edited)
    onnx.save(edited, str(destination))
    return difference


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
