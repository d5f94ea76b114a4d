"""The shipped Triton model repositories: each config.pbtxt is a valid Triton ModelConfig that fits
the installed (prepared) model, with dynamic batching and instance groups."""

import onnx
import pytest
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from analytics.assets import REPO_ROOT, model_path

REPOSITORIES = REPO_ROOT / "genetec_bridge/deploy/triton"
VARIANTS = ["onnxruntime-gpu", "onnxruntime-cpu", "tensorrt"]


def load(variant: str) -> model_config_pb2.ModelConfig:
    path = REPOSITORIES / variant / "yolox_nano" / "config.pbtxt"
    return text_format.Parse(path.read_text(), model_config_pb2.ModelConfig())


def dims(value_info: onnx.ValueInfoProto) -> list[int | str]:
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


@pytest.mark.parametrize("variant", VARIANTS)
def test_config_fits_the_prepared_model(variant: str) -> None:
    config = load(variant)
    graph = onnx.load(str(model_path()), load_external_data=False).graph
    (model_input,), (model_output,) = graph.input, graph.output
    assert isinstance(dims(model_input)[0], str), "the installed model must have a dynamic batch axis"
    assert [(t.name, list(t.dims)) for t in config.input] == [(model_input.name, dims(model_input)[1:])]
    assert [(t.name, list(t.dims)) for t in config.output] == [(model_output.name, dims(model_output)[1:])]
    assert config.input[0].data_type == model_config_pb2.TYPE_FP32
    assert config.max_batch_size >= 16
    assert config.HasField("dynamic_batching")
    assert config.instance_group and all(group.count >= 1 for group in config.instance_group)


def test_gpu_variants_run_on_gpu_and_onnx_gets_tensorrt() -> None:
    gpu = load("onnxruntime-gpu")
    assert {g.kind for g in gpu.instance_group} == {model_config_pb2.ModelInstanceGroup.KIND_GPU}
    accelerators = gpu.optimization.execution_accelerators.gpu_execution_accelerator
    assert [a.name for a in accelerators] == ["tensorrt"]
    assert load("tensorrt").platform == "tensorrt_plan"
    assert {g.kind for g in load("onnxruntime-cpu").instance_group} == {
        model_config_pb2.ModelInstanceGroup.KIND_CPU
    }


def test_no_model_file_is_committed() -> None:
    committed = [p for p in REPOSITORIES.rglob("*") if p.suffix in {".onnx", ".plan"}]
    assert committed == [], "model files are placed at deployment (README), never committed"
