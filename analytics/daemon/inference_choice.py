"""Which inference tier the daemon uses, as the bridge passes it on the daemon's command line."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from analytics.detection.inference import InferenceBackend
    from analytics.detection.providers import Device

Tier = Literal["onnxruntime", "triton"]
TIERS: tuple[Tier, ...] = ("onnxruntime", "triton")


@dataclass(frozen=True, slots=True)
class InferenceChoice:
    """Where the detector's network runs: in this process, or on a Triton server."""

    tier: Tier = "onnxruntime"
    triton_url: str = "127.0.0.1:8001"
    triton_model: str = "yolox_nano"
    timeout_s: float = 2.0  # one request; a slower answer counts as a failure
    retry_max_s: float = 5.0  # longest wait between two tries while the tier fails

    def backend(self, model: Path | None, device: "Device") -> "InferenceBackend":
        # Imported here: the bridge reads this choice without loading ONNX Runtime or gRPC.
        if self.tier == "triton":
            from analytics.detection.triton_backend import TritonBackend

            return TritonBackend(self.triton_url, self.triton_model, self.timeout_s)
        from analytics.detection.inference import OnnxRuntimeBackend
        from analytics.detection.model_io import ModelError

        if model is None:
            raise ModelError("in-process inference needs a model file")
        return OnnxRuntimeBackend(model, device)
