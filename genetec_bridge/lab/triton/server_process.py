"""Start and stop the lab's Triton Inference Server (model_server.py) as a child process.

The server runs under the interpreter of its own virtual environment (`make triton-venv`, default
var/triton-venv, or GENETEC_TRITON_VENV): nvidia-pytriton needs numpy < 2, the product numpy 2. Its
bundled tritonserver links against libpython, which a pyenv- or venv-made interpreter does not put
on the loader's path: LD_LIBRARY_PATH is set to that interpreter's own library directory.
"""

import os
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from analytics.assets import REPO_ROOT
from genetec_bridge.lab.process_group import free_port, stop_process_group

SERVER_SCRIPT = Path(__file__).with_name("model_server.py")
MODEL_NAME = "yolox_nano"


class TritonVenvMissing(RuntimeError):
    """The Triton virtual environment is not installed; the message says how to make it."""


def triton_venv() -> Path:
    return Path(os.environ.get("GENETEC_TRITON_VENV", REPO_ROOT / "var" / "triton-venv"))


def triton_python() -> Path:
    python = triton_venv() / "bin" / "python"
    if not python.is_file():
        raise TritonVenvMissing(
            f"no Triton virtual environment at {triton_venv()}: run `make triton-venv` (it installs"
            " nvidia-pytriton and onnxruntime there), or point GENETEC_TRITON_VENV at one"
        )
    return python


def _library_dir(python: Path) -> str:
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_config_var('LIBDIR'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip()


@dataclass
class TritonServerProcess:
    """A Triton server with the detector model on 127.0.0.1; ports 0 take free ports at the first
    start, and later starts reuse them, so clients reconnect to the same URL after stop() / start()."""

    model: Path
    grpc_port: int = 0
    queue_delay_us: int = 20_000
    max_batch: int = 16
    _ports: tuple[int, int] = (0, 0)
    _token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: IO[str] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout_s: float = 120.0) -> Self:
        if self.running:
            return self
        python = triton_python()
        if not self.grpc_port:
            self.grpc_port = free_port()
            self._ports = (free_port(), free_port())
        command = [str(python), str(SERVER_SCRIPT), "--model", str(self.model), "--name", MODEL_NAME]
        command += ["--grpc-port", str(self.grpc_port), "--http-port", str(self._ports[0])]
        command += ["--metrics-port", str(self._ports[1]), "--max-batch", str(self.max_batch)]
        command += ["--queue-delay-us", str(self.queue_delay_us)]
        library = _library_dir(python)
        env = {
            **os.environ,
            "TRITON_ACCESS_TOKEN": self._token,
            "LD_LIBRARY_PATH": ":".join(filter(None, [library, os.environ.get("LD_LIBRARY_PATH")])),
        }
        self._log = tempfile.NamedTemporaryFile("w+", prefix="triton-", suffix=".log")  # noqa: SIM115
        self._process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        deadline = time.monotonic() + timeout_s
        with grpcclient.InferenceServerClient(self.url) as client:
            while time.monotonic() < deadline and self.running:
                try:
                    if client.is_model_ready(MODEL_NAME, client_timeout=1.0):
                        return self
                except InferenceServerException:
                    pass
                time.sleep(0.3)
        output = self.output()
        self.stop()
        raise RuntimeError(f"Triton did not start: {' '.join(command)}\n{output[-3000:]}")

    def output(self) -> str:
        if self._log is None:
            return ""
        with open(self._log.name, encoding="utf-8", errors="replace") as log:
            return log.read()

    def stop(self, timeout_s: float = 10.0) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_process_group(process, timeout_s)
        if self._log is not None:
            self._log.close()
            self._log = None

    def statistics(self) -> dict:
        """Triton's statistics of the model: inference_count, execution_count, batch_stats..."""
        with grpcclient.InferenceServerClient(self.url) as client:
            stats = client.get_inference_statistics(
                MODEL_NAME, headers={"triton-grpc-protocol-triton-access-token": self._token}, as_json=True
            )
        return stats["model_stats"][0]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop()
