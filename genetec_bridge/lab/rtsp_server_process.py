"""Start and stop the RTSP test server (rtsp_server.py) as a child process, for tests and the demo.

The server runs under the system Python, which has GStreamer's bindings (the virtual environment
does not); `GENETEC_GST_PYTHON` names another interpreter.
"""

import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self
from urllib.parse import quote

from genetec_bridge.lab.process_group import stop_process_group

SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
_READY = re.compile(r"rtsp-server ready port=(\d+)")


def system_python() -> str:
    return os.environ.get("GENETEC_GST_PYTHON", "/usr/bin/python3")


@dataclass
class RtspServerProcess:
    """`mounts` maps a path (`/<guid>/live`) to (file, fps or None for the file's own rate).

    Port 0 takes a free port at the first start; later starts reuse it, so readers reconnect to the
    same URL after a `stop()` / `start()`. With `tls_certificate` (chain and private key in one PEM
    file) it serves RTSPS only.
    """

    mounts: dict[str, tuple[Path, float | None]]
    port: int = 0
    host: str = "127.0.0.1"
    user: str | None = None
    password: str | None = None
    tls_certificate: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: IO[str] | None = field(default=None, init=False, repr=False)
    _last_output: str = field(default="", init=False, repr=False)

    def url(self, path: str, with_credentials: bool = False) -> str:
        credentials = ""
        if with_credentials and self.user is not None and self.password is not None:
            credentials = f"{quote(self.user, safe='')}:{quote(self.password, safe='')}@"
        scheme = "rtsp" if self.tls_certificate is None else "rtsps"
        return f"{scheme}://{credentials}{self.host}:{self.port}{path}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout_s: float = 20.0) -> Self:
        if self.running:
            return self
        command = [system_python(), str(SERVER_SCRIPT), "--host", self.host, "--port", str(self.port)]
        for path, (file, fps) in self.mounts.items():
            command += ["--mount", f"{path}={file}" + (f"@{fps:g}" if fps else "")]
        if self.user is not None and self.password is not None:
            command += ["--user", self.user, "--password", self.password]
        if self.tls_certificate is not None:
            command += ["--tls-certificate", str(self.tls_certificate)]
        # A file, not a pipe: GStreamer's warnings could otherwise fill a pipe nobody reads and block it.
        self._log = tempfile.NamedTemporaryFile("w+", prefix="rtsp-server-", suffix=".log")  # noqa: SIM115
        self._process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready = _READY.search(self.output())
            if ready:
                self.port = int(ready.group(1))
                return self
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        output = self.output()
        self.stop()
        raise RuntimeError(f"RTSP test server did not start: {' '.join(command)}\n{output[-2000:]}")

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open and silent, as a hung gateway's do."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGCONT)

    def output(self) -> str:
        """What the server printed so far (readiness line, GStreamer warnings)."""
        if self._log is None:
            return self._last_output
        with open(self._log.name, encoding="utf-8", errors="replace") as log:
            return log.read()

    def stop(self, timeout_s: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL to its process group if it has not exited within `timeout_s`.

        Returns the exit status (0: it stopped cleanly on SIGTERM), None when it was not started.
        """
        process, self._process = self._process, None
        status = None if process is None else stop_process_group(process, timeout_s)
        if self._log is not None:
            self._last_output = self.output()
            self._log.close()
            self._log = None
        return status

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop()
