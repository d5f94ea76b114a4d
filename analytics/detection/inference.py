"""Where the detector's network runs: one small interface, two tiers.

The detector letterboxes frames and decodes YOLOX rows itself; a backend only turns a float32 blob
[batch, 3, height, width] into the raw output rows [batch, rows, 5 + classes]. In-process ONNX
Runtime (`OnnxRuntimeBackend`) and a Triton Inference Server over gRPC
(`analytics.detection.triton_backend.TritonBackend`) both fit, so the pre- and post-processing is
never copied.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import onnxruntime as ort

from analytics.detection.model_io import ModelError, ModelShapes, check_model_io
from analytics.detection.providers import Device, choose_providers
from analytics.frame_tracks import CLASS_IDS

logger = logging.getLogger(__name__)


class InferenceUnavailable(RuntimeError):
    """The inference tier did not answer (unreachable, too slow, restarting); the message says which.

    Unlike ModelError it is temporary: the caller drops or retries the batch, it does not stop."""


@dataclass(frozen=True, slots=True)
class TierState:
    """What health shows of the inference tier."""

    tier: Literal["onnxruntime", "triton"]
    target: str  # the device, or the Triton URL and model
    available: bool
    failures: int = 0  # consecutive failed requests
    last_error: str | None = None


class InferenceBackend(Protocol):
    tier: Literal["onnxruntime", "triton"]

    @property
    def device(self) -> str:
        """What Hello reports: cpu, cuda, tensorrt or triton."""
        ...

    description: str
    # True: a batch goes in one call (an accelerator or Triton gains from it). False: frames go one
    # by one, up to `parallel_frames` at once on threads of their own.
    batches: bool
    parallel_frames: int

    def shapes(self) -> ModelShapes:
        """The model's input and output; may raise InferenceUnavailable before the tier answered once."""
        ...

    def infer(self, blob: np.ndarray) -> np.ndarray:
        """Raw output rows of `blob`; raises InferenceUnavailable when the tier does not answer."""
        ...

    def state(self) -> TierState: ...

    def close(self) -> None: ...


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "genetec-analytics" / "tensorrt"


def cpu_cores() -> int:
    return len(os.sched_getaffinity(0))


def tuned_session_options() -> ort.SessionOptions:
    """The session settings measured best for the detector on the CPU (2 cores, YOLOX-nano 416).

    One intra-op thread: a frame split over two threads costs 1.6 times the CPU of one (43 against 26
    ms) for a small gain in wall time, so the cores are better spent on one frame each. No spinning:
    idle intra-op threads that spin between runs doubled the CPU a frame costs.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class OnnxRuntimeBackend:
    """The model in this process, on the best (or the requested) ONNX Runtime execution provider.

    `options` None takes the tuned settings, with frames run on as many threads as the process has
    cores; the benchmark's naive loop passes ONNX Runtime's defaults.
    """

    tier: Literal["onnxruntime", "triton"] = "onnxruntime"

    def __init__(
        self, model: Path, device: Device = "auto", options: ort.SessionOptions | None = None
    ) -> None:
        if not Path(model).is_file():
            raise ModelError(f"no model file at {model}")
        choice = choose_providers(device, _cache_dir())
        tuned = options is None
        options = tuned_session_options() if options is None else options
        options.log_severity_level = 3  # our one line says where it runs; not ORT's warnings
        try:
            self._session = ort.InferenceSession(str(model), options, providers=choice.providers)
        except Exception as error:  # onnxruntime raises its own unrelated exception types
            raise ModelError(f"{model} is not a loadable ONNX model: {error}") from error
        self._shapes = check_model_io(
            self._session.get_inputs(), self._session.get_outputs(), tuple(CLASS_IDS.values())
        )
        self.description = choice.describe()
        wanted = choice.providers[0] if isinstance(choice.providers[0], str) else choice.providers[0][0]
        running = self._session.get_providers()[0]
        if running != wanted:
            self.description += f" (onnxruntime could not start {wanted}; running {running})"
        self.device = choice.device
        # On the CPU frames run one by one (a batch of 8 in one call costs more CPU a frame: 38 against
        # 32 ms, measured); a model exported with batch 1 (YOLOX's exporter) can only run so.
        self.batches = not self._shapes.fixed_batch and self.device != "cpu"
        self.parallel_frames = cpu_cores() if tuned and not self.batches else 1

    def shapes(self) -> ModelShapes:
        return self._shapes

    def infer(self, blob: np.ndarray) -> np.ndarray:
        """Safe to call from several threads at once (ONNX Runtime sessions are)."""
        return self._session.run(None, {self._shapes.input_name: blob})[0]

    def state(self) -> TierState:
        return TierState(self.tier, self.device, available=True)

    def close(self) -> None:
        """Nothing to release: the session goes with the object."""
