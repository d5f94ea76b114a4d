"""A site over two analysis hosts, simulated on this machine: two bridge/daemon pairs (`genetec-bridge
run --host a|b`, each with its own state directory) share one site file, one Triton server, one
RTSP server and one fake Security Center. Every camera is analysed by its host only, `site-status`
sees the whole site, and killing one pair loses none of its events."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from genetec_bridge.lab.process_group import stop_process_group
from genetec_bridge.lab.triton.server_process import TritonServerProcess
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, free_port
from tests.support.rtsp_server_process import PETS, PETS_FPS, start_rtsp_server
from tests.support.triton_server import triton_server

__all__ = ["triton_server"]

pytestmark = pytest.mark.integration

HOST_OF = {CAMERA_GUIDS[0]: "a", CAMERA_GUIDS[1]: "b", CAMERA_GUIDS[2]: "b"}
INTRUSION_EVENT = 6001


def site_toml(fake: FakeWebSdkProcess, rtsp_port: int, triton_url: str, health: dict[str, int]) -> str:
    hosts = "".join(
        f'\n[[hosts]]\nname = "{name}"\nhealth_url = "http://127.0.0.1:{port}"\n'
        for name, port in health.items()
    )
    cameras = "".join(
        f"""
[[cameras]]
id = "{camera}"
fps = 2
analysis_host = "{host}"
[[cameras.zones]]
name = "all"
polygon = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
[[cameras.skills]]
kind = "intrusion"
zone = "all"
classes = ["person"]
cooldown_s = 0
alert = {{ custom_event_id = {INTRUSION_EVENT}, mode = "live", live_decided_by = "Test site", live_reason = "the test asks for live" }}
"""
        for camera, host in HOST_OF.items()
    )
    return f"""
[genetec]
url = "{fake.base_url}"
username = "{fake.username}"
password = {{ env = "TWO_HOSTS_WEBSDK_PASSWORD" }}
allow_plain_http = true  # the fake Web SDK on loopback

[media_gateway]
host = "127.0.0.1"
port = {rtsp_port}

[daemon]
inference = "triton"
batch_size = 4
[daemon.triton]
url = "{triton_url}"
timeout_s = 30
retry_max_s = 1

[delivery]
max_events_per_minute_per_camera = 600
{hosts}{cameras}"""


def until(condition: Callable[[], Any], timeout_s: float, what: str) -> Any:
    started = time.monotonic()
    while True:
        try:
            if found := condition():
                return found
        except httpx.HTTPError:
            pass
        assert time.monotonic() - started < timeout_s, f"{what}: not within {timeout_s} s"
        time.sleep(0.5)


def test_two_hosts_share_triton_with_one_site_view_and_lose_no_event_when_one_pair_dies(
    triton_server: TritonServerProcess, shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    health = {"a": free_port(), "b": free_port()}
    with (
        start_rtsp_server(shared_asset(PETS), list(HOST_OF), fps=PETS_FPS) as rtsp,
        FakeWebSdkProcess(record=tmp_path / "received.jsonl") as fake,
    ):
        config = tmp_path / "site.toml"
        config.write_text(site_toml(fake, rtsp.port, triton_server.url, health))

        def start(host: str) -> subprocess.Popen[str]:
            state = tmp_path / host
            state.mkdir(exist_ok=True)
            return subprocess.Popen(
                [sys.executable, "-m", "genetec_bridge.cli", "run", "--config", str(config), "--host", host],
                env={
                    **os.environ,
                    "TWO_HOSTS_WEBSDK_PASSWORD": fake.password,
                    "GENETEC_ANALYTICS_STATE_DIR": str(state),
                },
                stdout=(state / "bridge.log").open("a"),
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the bridge and its daemon: one group, killed together
            )

        def site_status() -> tuple[int, dict[str, Any]]:
            done = subprocess.run(
                [sys.executable, "-m", "genetec_bridge.cli", "site-status", "--config", str(config)],
                capture_output=True,
                text=True,
                env={**os.environ, "TWO_HOSTS_WEBSDK_PASSWORD": fake.password},
                timeout=60,
            )
            return done.returncode, json.loads(done.stdout)

        def host_status(host: str) -> dict[str, Any]:
            return httpx.get(f"http://127.0.0.1:{health[host]}/status", timeout=5).json()

        pairs = {host: start(host) for host in ("a", "b")}
        try:

            def whole_site_analysed() -> dict[str, Any] | None:
                code, view = site_status()
                cameras = view["cameras"]
                done = code == 0 and all(c["frames_analysed"] > 0 for c in cameras)
                return view if done else None

            view = until(whole_site_analysed, 180, "every camera analysed")
            # Each camera analysed once: by its own host, and no other.
            assert {c["camera_id"]: c["reported_by"] for c in view["cameras"]} == {
                camera: [host] for camera, host in HOST_OF.items()
            }
            assert all(
                h["inference"]["tier"] == "triton" and h["inference"]["available"] for h in view["hosts"]
            )

            # Host b has produced events: then its pair dies at once (bridge and daemon, SIGKILL).
            until(lambda: host_status("b")["delivery"]["produced"] >= 2, 120, "events on host b")
            produced_before = host_status("b")["delivery"]["produced"]
            os.killpg(pairs["b"].pid, signal.SIGKILL)
            pairs["b"].wait()
            code, view = site_status()
            assert code == 1 and any("host b unreachable" in p for p in view["problems"])
            analysed_a = host_status("a")["cameras"][0]["frames_analysed"]
            until(
                lambda: host_status("a")["cameras"][0]["frames_analysed"] > analysed_a + 4,
                60,
                "host a goes on",
            )

            # Host b comes back: every event it had produced is still there and gets delivered.
            pairs["b"] = start("b")

            def b_all_delivered() -> bool:
                delivery = host_status("b")["delivery"]
                return (
                    delivery["pending"] == 0
                    and delivery["delivered"] == delivery["produced"] >= produced_before
                )

            until(b_all_delivered, 120, "host b's events delivered after its restart")
            until(lambda: site_status()[0] == 0, 120, "the whole site healthy again")
        finally:
            for process in pairs.values():
                stop_process_group(process, timeout_s=20)
        raised = {r["source"] for r in fake.raised_custom_events() if r["custom_event_id"] == INTRUSION_EVENT}
        assert raised == set(HOST_OF)
        for host in ("a", "b"):
            log = (tmp_path / host / "bridge.log").read_text()
            assert fake.password not in log
            assert f"bridge running: {sum(1 for h in HOST_OF.values() if h == host)} camera(s)" in log
