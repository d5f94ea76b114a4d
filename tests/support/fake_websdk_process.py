"""Run the fake Web SDK as a real subprocess on a free local port, for integration tests and demos.

    with FakeWebSdkProcess(record=tmp_path / "received.jsonl") as fake:
        client = WebSdkClient(fake.base_url, fake.username, fake.password)
        ...
        fake.received()            # every request the fake got, as recorded (control API)
        fake.set_failures(fail_next=2, delay_s=0.1)
        fake.stop(); fake.start()  # a real outage: same port, and the record file survives

The process's stdout (one readable line per received request) is collected in `fake.lines` by a thread,
so the pipe never fills. `stop()` sends SIGTERM and falls back to SIGKILL; leaving the `with` block
always stops it.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
CAMERAS_FIXTURE = REPO_ROOT / "fixtures" / "websdk-cameras.json"
DEV_APPLICATION_ID = "KxsD11z743Hf5Gq9mv3+5ekxzemlCiUXkTFY5ba1NOGcLCmGstt2n0zYE9NsNimv"
CAMERA_GUIDS = (
    "00000001-0000-babe-0000-00408ca1eb95",
    "00000001-0000-babe-0000-00408ca1eb96",
    "00000001-0000-babe-0000-00408ca1eb97",
)
ALARM_GUID = "00000002-0000-babe-0000-000000000001"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeWebSdkProcess:
    def __init__(
        self,
        *,
        record: Path | None = None,
        cameras: Path = CAMERAS_FIXTURE,
        port: int | None = None,
        username: str = "operator",
        password: str = "s3cret-test-password",
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.port = port or free_port()
        self.record = record
        self.cameras = cameras
        self.username = username
        self.password = password
        self.application_id = DEV_APPLICATION_ID
        self.extra_args = extra_args
        self.lines: list[str] = []
        self._process: subprocess.Popen[str] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/WebSdk/"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/_fake/"

    def start(self, timeout_s: float = 30.0) -> "FakeWebSdkProcess":
        command = [sys.executable, "-m", "genetec_bridge.lab.cli", "fake-websdk", "--port", str(self.port)]
        command += ["--cameras", str(self.cameras), "--username", self.username, *self.extra_args]
        if self.record is not None:
            command += ["--record", str(self.record)]
        # The password travels in the environment, not on the command line where `ps` shows it.
        env = {**os.environ, "FAKE_WEBSDK_PASSWORD": self.password, "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        ready = threading.Event()
        threading.Thread(target=self._collect, args=(self._process, ready), daemon=True).start()
        if not ready.wait(timeout_s):
            self.stop()
            raise RuntimeError("fake Web SDK did not start:\n" + "\n".join(self.lines[-20:]))
        return self

    def _collect(self, process: subprocess.Popen[str], ready: threading.Event) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))
            if "listening on" in line:
                ready.set()
        ready.set()  # exited: start() then sees a dead process

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        self._process = None

    def __enter__(self) -> "FakeWebSdkProcess":
        return self.start() if not self.running else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- control API ---------------------------------------------------------------------------------

    def _control(self, method: str, path: str, json: Any = None) -> Any:
        response = httpx.request(method, self.control_url + path, json=json, timeout=10.0)
        response.raise_for_status()
        return response.json()

    def received(self) -> list[dict[str, Any]]:
        return self._control("GET", "received")

    def raised_custom_events(self) -> list[dict[str, Any]]:
        """Accepted RaiseCustomEvent requests, in arrival order (also those recorded before a restart)."""
        return [
            r
            for r in self.received()
            if r.get("op") == "RaiseCustomEvent" and r.get("status") == 200 and "fail" not in r
        ]

    def set_failures(self, **changes: Any) -> dict[str, Any]:
        return self._control("POST", "failures", changes)

    def outage(self, mode: str, duration_s: float) -> None:
        self._control("POST", "outage", {"mode": mode, "duration_s": duration_s})

    def drop_streams(self) -> None:
        self._control("POST", "streams/drop")

    def acknowledge(self, instance_id: int, alternate: bool = False, by: str = "operator") -> dict[str, Any]:
        """An operator's Default acknowledgement in Security Desk, or the Alternate one."""
        return self._control(
            "POST",
            f"alarms/{instance_id}/acknowledge",
            {"type": "Alternate" if alternate else "Default", "by": by},
        )

    def state(self) -> dict[str, Any]:
        return self._control("GET", "state")


def wait_until(predicate: Any, timeout_s: float = 30.0, interval_s: float = 0.1) -> Any:
    """Poll until `predicate()` is truthy and return it; fail with AssertionError after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s:g} s")
        time.sleep(interval_s)
