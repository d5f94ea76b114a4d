"""Which ONNX Runtime execution provider can really run here.

onnxruntime-gpu lists the CUDA and TensorRT providers whenever it is installed, with or without a
GPU; asking for them on a machine without a driver prints a screen of loader errors and then falls
back anyway. So the driver and each provider's libraries are loaded here first, and the choice is
explained in one line.
"""

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import onnxruntime as ort

Device = Literal["auto", "tensorrt", "cuda", "cpu"]
DEVICES: tuple[Device, ...] = ("auto", "tensorrt", "cuda", "cpu")

DEVICE_NAMES = {"auto": "auto", "tensorrt": "TensorRT", "cuda": "CUDA", "cpu": "CPU"}
_PROVIDER_LIBRARIES = {
    "cuda": "libonnxruntime_providers_cuda.so",
    "tensorrt": "libonnxruntime_providers_tensorrt.so",
}
_PROVIDER_NAMES = {
    "tensorrt": "TensorrtExecutionProvider",
    "cuda": "CUDAExecutionProvider",
    "cpu": "CPUExecutionProvider",
}


class DeviceUnavailableError(RuntimeError):
    """An explicitly requested device cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    device: Device
    providers: list[str | tuple[str, dict[str, Any]]]
    reason: str = ""

    def describe(self) -> str:
        running = f"running on {DEVICE_NAMES[self.device]}"
        return f"{self.reason}; {running}" if self.reason else running


def _load(library: str) -> str | None:
    """None when the shared library loads, else the loader's complaint."""
    try:
        ctypes.CDLL(library, mode=ctypes.RTLD_GLOBAL)
    except OSError as error:
        return str(error)
    return None


def why_unavailable(device: Device) -> str | None:
    """None when `device` can run here, else a short reason."""
    if device == "cpu":
        return None
    if _PROVIDER_NAMES[device] not in ort.get_available_providers():
        return f"this onnxruntime build has no {_PROVIDER_NAMES[device]}"
    if _load("libcuda.so.1") is not None:
        return "no CUDA driver found (libcuda.so.1)"
    capi = Path(ort.__file__).parent / "capi"
    # The provider libraries resolve their CUDA, cuDNN and TensorRT dependencies when loaded; the
    # shared bridge library must be global first, as onnxruntime itself does.
    for library in ("libonnxruntime_providers_shared.so", _PROVIDER_LIBRARIES[device]):
        problem = _load(str(capi / library))
        if problem is not None:
            return f"{device} libraries missing: {problem}"
    return None


def _providers(device: Device, cache_dir: Path) -> list[str | tuple[str, dict[str, Any]]]:
    cpu: list[str | tuple[str, dict[str, Any]]] = ["CPUExecutionProvider"]
    if device == "cpu":
        return cpu
    cuda: list[str | tuple[str, dict[str, Any]]] = ["CUDAExecutionProvider", *cpu]
    if device == "cuda":
        return cuda
    # Building a TensorRT engine takes minutes: keep it between runs.
    options = {
        "trt_engine_cache_enable": True,
        "trt_engine_cache_path": str(cache_dir),
        "trt_fp16_enable": True,
    }
    return [("TensorrtExecutionProvider", options), *cuda]


def choose_providers(device: Device, cache_dir: Path) -> ProviderChoice:
    """Providers for `device`; `auto` takes the fastest that works, an explicit one must work."""
    if device != "auto":
        problem = why_unavailable(device)
        if problem is not None:
            raise DeviceUnavailableError(f"device '{device}' requested but unavailable: {problem}")
        return ProviderChoice(device, _providers(device, cache_dir))
    reasons: list[str] = []
    for candidate in ("tensorrt", "cuda"):
        problem = why_unavailable(candidate)
        if problem is None:
            return ProviderChoice(candidate, _providers(candidate, cache_dir), "; ".join(reasons))
        reasons.append(problem)
    # Without a driver both candidates give the same reason: say it once.
    return ProviderChoice("cpu", _providers("cpu", cache_dir), "; ".join(dict.fromkeys(reasons)))
