"""Tiny ONNX models built in the test, for checks of what the detector accepts and refuses."""

from pathlib import Path

import onnx
from onnx import TensorProto, helper


def write_model(path: Path, inputs: dict[str, list[int | str]], outputs: dict[str, list[int | str]]) -> Path:
    """Identity nodes from the first input to each declared output. Only the declared shapes matter:
    a model with wrong shapes must be refused before anything runs."""
    graph = helper.make_graph(
        [helper.make_node("Identity", [next(iter(inputs))], [name]) for name in outputs],
        "wrong_shapes",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 7
    onnx.save(model, path)
    return path
