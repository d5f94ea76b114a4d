"""The detector's network on a Triton Inference Server, over gRPC (tritonclient).

Each detector call is one request, with the frames of every camera in the batch; Triton's dynamic
batcher merges it with the requests of other daemons sharing the server. The model's input and
output are read from Triton's model metadata and checked as the in-process model's are. A failed or
late request raises InferenceUnavailable and drops the gRPC channel, so that the next request
reconnects at once instead of waiting out gRPC's own reconnection back-off (up to two minutes).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal, TypeVar

import numpy as np
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from analytics.detection.inference import InferenceUnavailable, TierState
from analytics.detection.model_io import ModelShapes, check_model_io
from analytics.frame_tracks import CLASS_IDS

log = logging.getLogger(__name__)

T = TypeVar("T")

# Triton's tensor data types, named as ONNX Runtime names them for check_model_io.
_ONNX_TYPES = {"FP32": "tensor(float)", "FP16": "tensor(float16)", "UINT8": "tensor(uint8)"}


@dataclass(frozen=True, slots=True)
class _Tensor:
    """A Triton tensor's metadata in the shape check_model_io reads (ONNX Runtime's NodeArg)."""

    name: str
    shape: tuple[int | None, ...]
    type: str

    @classmethod
    def from_metadata(cls, metadata: dict) -> "_Tensor":
        shape = tuple(None if int(d) < 0 else int(d) for d in metadata["shape"])
        return cls(metadata["name"], shape, _ONNX_TYPES.get(metadata["datatype"], metadata["datatype"]))


class TritonBackend:
    tier: Literal["onnxruntime", "triton"] = "triton"
    device = "triton"
    batches = True  # one request per batch, which Triton's batcher merges with other daemons' requests
    parallel_frames = 1

    def __init__(self, url: str, model_name: str, timeout_s: float) -> None:
        self._url = url
        self._model = model_name
        self._timeout_s = timeout_s
        self._client: grpcclient.InferenceServerClient | None = None
        self._shapes: ModelShapes | None = None
        self._output_name = ""
        self._max_batch = 1
        self.description = f"Triton Inference Server at {url}, model {model_name}"
        self._failures = 0
        self._last_error: str | None = None

    def state(self) -> TierState:
        return TierState(
            self.tier,
            f"{self._url} model {self._model}",
            available=self._failures == 0,  # before the first request too: nothing failed yet
            failures=self._failures,
            last_error=self._last_error,
        )

    def shapes(self) -> ModelShapes:
        if self._shapes is None:
            self._shapes = self._call(self._read_model)
        return self._shapes

    def infer(self, blob: np.ndarray) -> np.ndarray:
        shapes = self.shapes()
        # A batch larger than the model's max_batch_size is sent as several requests.
        parts = [blob[i : i + self._max_batch] for i in range(0, len(blob), self._max_batch)]
        return np.concatenate([self._call(partial(self._infer, shapes, part)) for part in parts])

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _connected(self) -> grpcclient.InferenceServerClient:
        if self._client is None:
            self._client = grpcclient.InferenceServerClient(self._url)
        return self._client

    def _call(self, request: Callable[[], T]) -> T:
        try:
            result = request()
        except InferenceServerException as error:
            self._failures += 1
            self._last_error = _describe(error, self._timeout_s)
            self.close()
            raise InferenceUnavailable(f"Triton at {self._url}: {self._last_error}") from error
        if self._failures:
            log.info("Triton at %s answers again after %d failed request(s)", self._url, self._failures)
        self._failures, self._last_error = 0, None
        return result

    def _read_model(self) -> ModelShapes:
        client = self._connected()
        metadata = client.get_model_metadata(self._model, as_json=True, client_timeout=self._timeout_s)
        config = client.get_model_config(self._model, as_json=True, client_timeout=self._timeout_s)
        inputs = [_Tensor.from_metadata(t) for t in metadata["inputs"]]
        outputs = [_Tensor.from_metadata(t) for t in metadata["outputs"]]
        shapes = check_model_io(inputs, outputs, tuple(CLASS_IDS.values()))
        self._output_name = outputs[0].name
        self._max_batch = max(1, int(config["config"].get("max_batch_size", 1)))
        log.info("Triton model %s: %s, max batch %d", self._model, shapes.describe(), self._max_batch)
        return shapes

    def _infer(self, shapes: ModelShapes, blob: np.ndarray) -> np.ndarray:
        tensor = grpcclient.InferInput(shapes.input_name, list(blob.shape), "FP32")
        tensor.set_data_from_numpy(blob)
        result = self._connected().infer(
            self._model,
            [tensor],
            outputs=[grpcclient.InferRequestedOutput(self._output_name)],
            client_timeout=self._timeout_s,
        )
        return result.as_numpy(self._output_name)


def _describe(error: InferenceServerException, timeout_s: float) -> str:
    status = error.status() or ""
    if "DEADLINE_EXCEEDED" in status or "Deadline" in str(error.message()):
        return f"no answer within {timeout_s:g} s"
    if "UNAVAILABLE" in status:
        return "unreachable"
    return f"{status} {error.message()}".strip()
