"""The daemon's command line carries the site's inference tier; a bad Triton address names its key."""

import itertools
from pathlib import Path

import pytest
from pydantic import ValidationError

from genetec_bridge.config.site import DaemonConfig
from genetec_bridge.link.supervisor import DaemonLaunch


def launch(daemon: DaemonConfig) -> list[str]:
    return DaemonLaunch(
        Path("/run/x/d.sock"), model=daemon.model, inference=daemon.inference_choice()
    ).command()


def test_in_process_inference_passes_the_model() -> None:
    command = launch(DaemonConfig(model=Path("/m/yolox.onnx")))
    assert command[command.index("--inference") + 1] == "onnxruntime"
    assert command[command.index("--model") + 1] == "/m/yolox.onnx"


def test_triton_inference_passes_the_server_and_no_model() -> None:
    daemon = DaemonConfig.model_validate(
        {"inference": "triton", "triton": {"url": "triton.lan:8001", "model_name": "det", "timeout_s": 1.5}}
    )
    command = launch(daemon)
    options = dict(itertools.pairwise(command))
    assert options["--inference"] == "triton" and options["--triton-url"] == "triton.lan:8001"
    assert options["--triton-model"] == "det" and options["--inference-timeout"] == "1.5"
    assert "--model" not in command


@pytest.mark.parametrize("url", ["http://triton:8001", "triton", "user@triton:8001"])
def test_a_bad_triton_address_is_refused_naming_the_key(url: str) -> None:
    with pytest.raises(ValidationError, match=r"triton\.url"):
        DaemonConfig.model_validate({"inference": "triton", "triton": {"url": url}})
