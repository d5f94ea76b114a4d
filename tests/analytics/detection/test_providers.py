import pytest

from analytics.detection import providers
from analytics.detection.providers import DeviceUnavailableError, choose_providers


@pytest.fixture
def no_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with onnxruntime-gpu installed but no NVIDIA driver (this project's CI)."""
    real_load = providers._load

    def load(library: str) -> str | None:
        if library == "libcuda.so.1":
            return "libcuda.so.1: cannot open shared object file: No such file or directory"
        return real_load(library)

    monkeypatch.setattr(providers, "_load", load)


@pytest.fixture
def full_gpu_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "_load", lambda library: None)
    monkeypatch.setattr(
        providers.ort,
        "get_available_providers",
        lambda: ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"],
    )


def test_auto_without_driver_runs_on_cpu_and_says_why_in_one_line(no_driver: None, tmp_path) -> None:
    choice = choose_providers("auto", tmp_path)
    assert choice.device == "cpu"
    assert choice.providers == ["CPUExecutionProvider"]
    assert choice.describe() == "no CUDA driver found (libcuda.so.1); running on CPU"


@pytest.mark.parametrize("device", ["cuda", "tensorrt"])
def test_explicit_gpu_device_without_driver_is_a_clear_error(no_driver: None, tmp_path, device) -> None:
    with pytest.raises(
        DeviceUnavailableError, match=f"device '{device}' requested but unavailable: no CUDA driver"
    ):
        choose_providers(device, tmp_path)


def test_auto_prefers_tensorrt_with_an_engine_cache(full_gpu_stack: None, tmp_path) -> None:
    choice = choose_providers("auto", tmp_path)
    assert choice.device == "tensorrt"
    name, options = choice.providers[0]
    assert name == "TensorrtExecutionProvider"
    assert options["trt_engine_cache_path"] == str(tmp_path)
    assert choice.providers[1:] == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    assert choice.describe() == "running on TensorRT"


def test_auto_falls_back_to_cuda_when_tensorrt_libraries_are_missing(
    full_gpu_stack: None, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(
        providers, "_load", lambda library: "libnvinfer.so.10: not found" if "tensorrt" in library else None
    )
    choice = choose_providers("auto", tmp_path)
    assert choice.device == "cuda"
    assert choice.providers == ["CUDAExecutionProvider", "CPUExecutionProvider"]
    assert "tensorrt libraries missing" in choice.describe()


def test_cpu_is_always_available(tmp_path) -> None:
    assert choose_providers("cpu", tmp_path).providers == ["CPUExecutionProvider"]
