"""The detector through a real Triton server (the lab's, tritonserver 2.51 from nvidia-pytriton) gives
the in-process detections, and an unreachable server is a temporary, named failure."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from analytics.assets import model_path
from analytics.detection import Detector, InferenceUnavailable
from analytics.detection.triton_backend import TritonBackend
from genetec_bridge.lab.process_group import free_port
from genetec_bridge.lab.triton.server_process import MODEL_NAME, TritonServerProcess
from tests.support.pets_frames import pets_frames
from tests.support.triton_server import triton_server

__all__ = ["triton_server"]

pytestmark = pytest.mark.integration


def test_detections_through_triton_equal_the_in_process_ones_on_pets_frames(
    triton_server: TritonServerProcess, shared_asset: Callable[[str], Path]
) -> None:
    frames = pets_frames(shared_asset("data/pets09-s2l1/vtest.avi"), every=60, count=6)
    remote = Detector(TritonBackend(triton_server.url, MODEL_NAME, timeout_s=30.0))
    local = Detector.in_process(model_path(), "cpu")
    through_triton = remote.detect(frames)  # one request holding the six frames
    in_process = local.detect(frames)
    assert (remote.shapes.input_name, remote.input_size) == (local.shapes.input_name, local.input_size)
    assert sum(len(d) for d in in_process) > 10
    for got, expected in zip(through_triton, in_process, strict=True):
        assert got.class_id.tolist() == expected.class_id.tolist()
        np.testing.assert_allclose(got.xyxy, expected.xyxy, atol=1e-3)
        np.testing.assert_allclose(got.confidence, expected.confidence, atol=1e-5)
    assert remote.backend.state().available


def test_an_unreachable_triton_is_a_named_temporary_failure() -> None:
    url = f"127.0.0.1:{free_port()}"
    backend = TritonBackend(url, MODEL_NAME, timeout_s=2.0)
    with pytest.raises(InferenceUnavailable, match=rf"Triton at {url}: unreachable"):
        Detector(backend).detect([np.zeros((120, 160, 3), np.uint8)])
    state = backend.state()
    assert (state.tier, state.available, state.failures, state.last_error) == (
        "triton",
        False,
        1,
        "unreachable",
    )
