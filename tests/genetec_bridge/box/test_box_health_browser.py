"""The box's health page and the cameras page's badges in real headless Chromium, asserting what a
person sees.

With the real chain (RTSP test server as the Media Gateway, fake Web SDK, `genetec-bridge run` with its
daemon): the badge is green while results arrive; the daemon is stopped (SIGSTOP: its socket stays
open and the supervisor has not noticed yet, the very case where the stream still arrives) and the
badge on the page left open turns red, without a reload; the daemon resumed, it turns green again.
With a stand-in bridge whose snapshot the test sets: the health page shows the daemon and its
inference tier, the Security Center link, parked events, a failing store and an event-loop stall, in
both languages and at both window sizes. Screenshots under var/test-artifacts/box/ (health-*).
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.health.status import (
    BridgeStatus,
    CameraStatus,
    DaemonStatus,
    DeliveryStatus,
    EventLoopStatus,
    InferenceStatus,
    ParkedEvent,
    StoreProblem,
    WebSdkStatus,
)
from tests.support.box_site import PASSWORDS, box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, free_port
from tests.support.rtsp_server_process import PETS, PETS_FPS, start_rtsp_server

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
PASSWORD = "viewer-password-for-the-health-test"
SIZES: tuple[ViewportSize, ...] = ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080})
# The page refreshes its badges every 2 s and a badge turns red 10 s after the last result: seconds.
TURNS_WITHIN_MS = 30_000


def _site(
    fake: FakeWebSdkProcess, rtsp_port: int, box_port: int, health_port: int, model: Path, tmp: Path
) -> str:
    return f"""[genetec]
url = "{fake.base_url}"
allow_plain_http = true  # the fake Web SDK speaks plain HTTP on loopback
username = "{fake.username}"
password = {{ env = "BOX_WEBSDK_PASSWORD" }}

[media_gateway]
host = "127.0.0.1"
port = {rtsp_port}

[daemon]
model = "{model}"
device = "cpu"
socket_path = "{tmp}/run/daemon.sock"

[health]
port = {health_port}

[delivery]
outbox_path = "{tmp}/outbox.sqlite3"

[box]
enabled = true
port = {box_port}
accounts_path = "box/accounts.json"
versions_dir = "box/versions"

[audit]
path = "box/audit.jsonl"

[counting]
store_path = "statistics.sqlite3"

[trust]
store_path = "trust.sqlite3"

[[cameras]]
id = "{CAMERA}"
name = "PETS"
fps = 5
"""


def _until(condition: Callable[[], object], timeout_s: float, what: str) -> object:
    started = time.monotonic()
    while True:
        try:
            result = condition()
            if result:
                return result
        except httpx.HTTPError:
            pass
        assert time.monotonic() - started < timeout_s, f"{what}: not within {timeout_s} s"
        time.sleep(0.3)


def test_a_stopped_daemon_turns_the_badge_red_without_a_reload_and_green_again(
    shared_asset: Callable[[str], Path], tmp_path: Path, browser: Browser
) -> None:
    box_port, health_port = free_port(), free_port()
    with (
        start_rtsp_server(shared_asset(PETS), [CAMERA], fps=PETS_FPS) as rtsp,
        FakeWebSdkProcess() as fake,
        (tmp_path / "bridge.log").open("w") as bridge_log,
    ):
        config = tmp_path / "site.toml"
        model = shared_asset("models/yolox_nano.onnx")
        config.write_text(_site(fake, rtsp.port, box_port, health_port, model, tmp_path))
        AccountStore(tmp_path / "box/accounts.json").add("victor", Role.VIEWER, PASSWORD)
        bridge = subprocess.Popen(
            [sys.executable, "-m", "genetec_bridge.cli", "run", "--config", str(config)],
            env={**os.environ, "BOX_WEBSDK_PASSWORD": fake.password},
            stdout=bridge_log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{box_port}"
        daemon_pid: int | None = None
        try:
            _until(lambda: httpx.get(f"{url}/login", timeout=2).status_code == 200, 30, "box serving")
            page = browser.new_page(viewport=SIZES[0])
            log_in(page, url, "victor", PASSWORD)
            page.goto(f"{url}/cameras")
            badge = page.locator(f"[data-badge='{CAMERA}']")
            # Green once results arrive (the daemon loads its model first), refreshed in place.
            expect(badge).to_have_class("badge ok", timeout=90_000)
            expect(badge).to_have_text("streaming, analysed")
            shot(page, "health-01-cameras-green")

            status = httpx.get(f"http://127.0.0.1:{health_port}/status", timeout=5).json()
            daemon_pid = status["daemon"]["pid"]
            assert status["daemon"]["connected"] and daemon_pid
            os.kill(daemon_pid, signal.SIGSTOP)
            # The page stays open: its script alone turns the badge red, the stream still arriving.
            expect(badge).to_have_class("badge bad", timeout=TURNS_WITHIN_MS)
            expect(badge).to_contain_text("no result for")
            rows = httpx.get(f"http://127.0.0.1:{health_port}/status", timeout=5).json()["cameras"]
            assert rows[0]["streaming"], "the reader still receives frames: only results stopped"
            shot(page, "health-02-cameras-red")
            page.goto(f"{url}/health")
            expect(page.locator(f"#health-cameras [data-badge='{CAMERA}']")).to_contain_text("no result for")
            expect(page.locator("#daemon")).to_contain_text("onnxruntime")
            expect(page.locator("#security-center")).to_contain_text("reachable")
            shot(page, "health-03-daemon-stopped")

            os.kill(daemon_pid, signal.SIGCONT)
            daemon_pid = None
            expect(page.locator(f"[data-badge='{CAMERA}']")).to_have_class(
                "badge ok", timeout=TURNS_WITHIN_MS
            )
            expect(page.locator("#problems li")).to_have_count(0, timeout=TURNS_WITHIN_MS)
            for size in SIZES:
                page.set_viewport_size(size)
                shot(page, f"health-04-running-{size['width']}")
            assert bridge.poll() is None
        finally:
            if daemon_pid is not None:
                os.kill(daemon_pid, signal.SIGCONT)
            bridge.terminate()
            try:
                bridge.wait(timeout=20)
            except subprocess.TimeoutExpired:
                bridge.kill()


def _troubled(camera_ids: list[str]) -> BridgeStatus:
    """A bridge whose daemon crash-loops (its model missing) while the streams still arrive."""
    return BridgeStatus(
        cameras=[
            CameraStatus(
                camera_id=camera_ids[0], streaming=True, frames_analysed=310, last_result_age_s=42.0
            ),
            CameraStatus(camera_id=camera_ids[1], streaming=False, last_error="RTSP 404 Not Found"),
        ],
        daemon=DaemonStatus(
            connected=False,
            restarts=7,
            inference=InferenceStatus(tier="onnxruntime", target="cpu", available=True),
            last_error="daemon exited with status 2: model file not found",
        ),
        websdk=WebSdkStatus(reachable=True),
        delivery=DeliveryStatus(
            delivered=1200,
            rejected=1,
            parked=[
                ParkedEvent(
                    event_id="7d1c0a52-parked",
                    camera_id=camera_ids[0],
                    reason="400: custom event 9001 unknown",
                    parked_at=time.time() - 120,
                )
            ],
        ),
        stores=[StoreProblem(store="statistics", error="database or disk is full", failures=3)],
        event_loop=EventLoopStatus(recent_stall_s=1.4, longest_stall_s=1.4),
        taken_at=time.time(),
    )


def test_the_health_page_shows_the_daemon_link_parked_events_stores_and_stalls(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, bridge):
        ids = [camera.id for camera in bridge.site.cameras]
        healthy = BridgeStatus(
            cameras=[CameraStatus(camera_id=i, streaming=True, last_result_age_s=0.2) for i in ids],
            daemon=DaemonStatus(connected=True, pid=4242),
            websdk=WebSdkStatus(reachable=True),
            taken_at=time.time(),
        )
        bridge.status = healthy
        page = browser.new_page(viewport=SIZES[0])
        log_in(page, url, "victor", PASSWORDS["victor"])
        page.goto(f"{url}/cameras")
        badge = page.locator(f"[data-badge='{ids[0]}']")
        expect(badge).to_have_class("badge ok")

        # The daemon goes down: the page left open turns red by itself.
        bridge.status = _troubled(ids)
        expect(badge).to_have_class("badge bad", timeout=TURNS_WITHIN_MS)
        expect(badge).to_have_text("no result for 42 s")
        expect(page.locator(f"[data-badge-detail='{ids[0]}']")).to_have_text(
            "daemon exited with status 2: model file not found"
        )
        expect(page.locator(f"[data-badge='{ids[1]}']")).to_have_text("no stream")

        page.locator("nav a[href='/health']").click()
        expect(page.locator("h1")).to_have_text("Health of the analysis")
        problems = page.locator("#problems")
        expect(problems).to_contain_text("analytics daemon not connected: daemon exited with status 2")
        expect(problems).to_contain_text("statistics store failing (3 failure(s), retried)")
        expect(problems).to_contain_text("event loop held 1.4 s in the last minute")
        expect(page.locator("#daemon")).to_contain_text("analysis daemon down")
        expect(page.locator("#daemon")).to_contain_text("onnxruntime (cpu)")
        expect(page.locator("#daemon")).to_contain_text("7")
        expect(page.locator("#security-center")).to_contain_text("reachable")
        parked = page.locator("#parked")
        expect(parked).to_contain_text("Parvis Saint-Michel")
        expect(parked).to_contain_text("400: custom event 9001 unknown")
        expect(page.locator("#stores")).to_contain_text("database or disk is full")
        expect(page.locator("#event-loop")).to_contain_text("1400 ms")
        assert "None" not in page.locator("main").inner_text()
        for size in SIZES:
            page.set_viewport_size(size)
            shot(page, f"health-10-outage-en-{size['width']}")

        # Fixed: the problems list empties and the badges turn green, without a reload.
        bridge.status = healthy.model_copy(update={"taken_at": time.time()})
        expect(page.locator("#problems li")).to_have_count(0, timeout=TURNS_WITHIN_MS)
        expect(page.locator(f"#health-cameras [data-badge='{ids[0]}']")).to_have_class("badge ok")
        expect(page.locator("#no-problems")).to_be_visible()

        page.goto(f"{url}/lang/fr")
        bridge.status = _troubled(ids)
        page.goto(f"{url}/health")
        expect(page.locator("h1")).to_have_text("État de l'analyse")
        expect(page.locator(f"[data-badge='{ids[0]}']")).to_have_text("aucun résultat depuis 42 s")
        for size in SIZES:
            page.set_viewport_size(size)
            shot(page, f"health-11-outage-fr-{size['width']}")
        answer = json.loads(
            page.evaluate("async () => JSON.stringify(await (await fetch('/api/health')).json())")
        )
        assert answer["cameras"][ids[1]]["text"] == "pas de flux"
