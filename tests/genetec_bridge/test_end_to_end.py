"""The whole product as real processes: two RTSP servers as two Media Gateway roles, fake Web SDK,
the bridge (`genetec-bridge run`) with its daemon child. Events reach Security Center, and an operator's
acknowledgement of an intrusion alarm is seen by the bridge; the daemon is
killed and camera A's gateway stopped, and the bridge reports, recovers and loses nothing while
camera B, on the other gateway, keeps being analysed."""

import itertools
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

from genetec_bridge.audit.trail import CUSTOM_EVENTS_CREATED, AuditTrail
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from tests.support.fake_websdk_process import ALARM_GUID, CAMERA_GUIDS, FakeWebSdkProcess, free_port
from tests.support.rtsp_server_process import PETS, PETS_FPS, start_rtsp_server

pytestmark = pytest.mark.integration

CAMERA_A, CAMERA_B = CAMERA_GUIDS[0], CAMERA_GUIDS[1]
LOITERING_EVENT, INTRUSION_EVENT = 5001, 5002
OUTAGE_S = 20
STALL_TIMEOUT_S = 10  # the readers' default watchdog: a silent camera is not streaming after it


def _site_toml(
    fake: FakeWebSdkProcess, ports: tuple[int, int], health_port: int, model: Path, scene: Path, tmp: Path
) -> str:
    """Camera A on the site's [media_gateway] (ports[0]), camera B on its own role (ports[1])."""
    zone = json.loads(scene.read_text())["zones"]["junction_right"]
    cameras = ""
    own_gateway = {CAMERA_B: f'media_gateway = {{ host = "127.0.0.1", port = {ports[1]} }}'}
    for camera_id, name in ((CAMERA_A, "PETS A"), (CAMERA_B, "PETS B")):
        cameras += f"""
[[cameras]]
id = "{camera_id}"
name = "{name}"
fps = 5
{own_gateway.get(camera_id, "")}
[[cameras.zones]]
name = "junction_right"
polygon = {json.dumps(zone)}
[[cameras.skills]]
kind = "loitering"
zone = "junction_right"
min_dwell_s = 5
alert = {{ custom_event_id = {LOITERING_EVENT}, bookmark = true, mode = "live", live_decided_by = "Test site", live_reason = "the test asks for live" }}
[[cameras.skills]]
kind = "intrusion"
zone = "junction_right"
alert = {{ custom_event_id = {INTRUSION_EVENT}, alarm = "{ALARM_GUID}", mode = "live", live_decided_by = "Test site", live_reason = "the test asks for live" }}
"""
    return f"""
[genetec]
url = "{fake.base_url}"
allow_plain_http = true
username = "{fake.username}"
password = {{ env = "E2E_WEBSDK_PASSWORD" }}

[media_gateway]
host = "127.0.0.1"
port = {ports[0]}

[daemon]
model = "{model}"
device = "cpu"
batch_size = 4
socket_path = "{tmp}/run/daemon.sock"

[health]
port = {health_port}

[delivery]
outbox_path = "{tmp}/outbox.sqlite3"
max_events_per_minute_per_camera = 600

[audit]
path = "{tmp}/audit/audit.jsonl"
[counting]
store_path = "{tmp}/statistics.sqlite3"
[trust]
store_path = "{tmp}/trust.sqlite3"
{cameras}"""


def _until(condition: Callable[[], Any], timeout_s: float, what: str) -> float:
    started = time.monotonic()
    while True:
        try:
            if condition():
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        assert time.monotonic() - started < timeout_s, f"{what}: not within {timeout_s} s"
        time.sleep(0.2)


def test_bridge_delivers_events_and_survives_daemon_and_gateway_failures(
    shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    health_port = free_port()
    health = f"http://127.0.0.1:{health_port}"

    def status() -> dict[str, Any]:
        return httpx.get(f"{health}/status", timeout=2).json()

    def cameras() -> dict[str, dict[str, Any]]:
        return {c["camera_id"]: c for c in status()["cameras"]}

    def analysed(camera: str) -> int:
        return cameras()[camera]["frames_analysed"]

    with (
        start_rtsp_server(shared_asset(PETS), [CAMERA_A], fps=PETS_FPS) as rtsp_a,
        start_rtsp_server(shared_asset(PETS), [CAMERA_B], fps=PETS_FPS) as rtsp_b,
        FakeWebSdkProcess(record=tmp_path / "received.jsonl") as fake,
    ):
        config = tmp_path / "site.toml"
        config.write_text(
            _site_toml(
                fake,
                (rtsp_a.port, rtsp_b.port),
                health_port,
                shared_asset("models/yolox_nano.onnx"),
                shared_asset("data/pets09-s2l1/reference/scene.json"),
                tmp_path,
            )
        )
        bridge = subprocess.Popen(
            [sys.executable, "-m", "genetec_bridge.cli", "run", "--config", str(config)],
            env={**os.environ, "E2E_WEBSDK_PASSWORD": fake.password},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            # Loitering and intrusion on camera A reach Security Center, with the loitering bookmark.
            def raised(event_id: int) -> list[dict[str, Any]]:
                return [
                    r
                    for r in fake.raised_custom_events()
                    if r["custom_event_id"] == event_id and r["source"] == CAMERA_A
                ]

            _until(
                lambda: raised(INTRUSION_EVENT) and raised(LOITERING_EVENT),
                90,
                "intrusion and loitering raised",
            )
            assert any(r.get("op") == "AddCameraBookmark" for r in fake.received())
            assert json.loads(raised(LOITERING_EVENT)[0]["payload"])["kind"] == "loitering"

            # An operator acknowledges the intrusion alarms once the bridge recorded one: it sees that.
            _until(lambda: status()["alarms"], 10, "intrusion alarm recorded")
            for instance in fake.state()["alarm_instances"]:
                if instance["State"] == "Active":
                    fake.acknowledge(instance["InstanceId"])
            _until(lambda: any(a["acknowledged"] for a in status()["alarms"]), 10, "acknowledgement seen")
            # A Default acknowledgement (the fake's default) is a true-alert verdict on that skill.
            _until(
                lambda: any(
                    s["skill"].startswith("intrusion") and s["verdicts_true"] for s in status()["skills"]
                ),
                10,
                "acknowledgement turned into a verdict",
            )

            # The daemon is killed: reported within 5 s, restarted, analysis resumes within 30 s.
            _until(lambda: httpx.get(f"{health}/readyz", timeout=2).status_code == 200, 30, "ready")
            daemon_pid = status()["daemon"]["pid"]
            os.kill(daemon_pid, signal.SIGKILL)
            _until(
                lambda: httpx.get(f"{health}/readyz", timeout=2).status_code == 503,
                5,
                "daemon death reported",
            )
            before = analysed(CAMERA_A)
            _until(
                lambda: status()["daemon"]["connected"] and analysed(CAMERA_A) > before + 10,
                30,
                "analysis resumed",
            )
            assert status()["daemon"]["restarts"] == 1 and status()["daemon"]["pid"] != daemon_pid

            # Camera A's gateway stops for 20 s. Camera B, on the other gateway, streams and is analysed
            # all along (sampled every 2 s); camera A is reported down, then reconnects and resumes.
            rtsp_a.stop()
            stopped_at = time.monotonic()
            samples: list[tuple[float, dict[str, dict[str, Any]]]] = []
            while (elapsed := time.monotonic() - stopped_at) < OUTAGE_S:
                samples.append((elapsed, cameras()))
                time.sleep(2)
            rtsp_a.start()
            b_analysed = [s[CAMERA_B]["frames_analysed"] for _, s in samples]
            assert all(s[CAMERA_B]["streaming"] for _, s in samples), samples
            assert all(later > earlier for earlier, later in itertools.pairwise(b_analysed)), b_analysed
            a_after_watchdog = [s[CAMERA_A] for t, s in samples if t > STALL_TIMEOUT_S + 1]
            assert a_after_watchdog and not any(a["streaming"] for a in a_after_watchdog), samples
            before = analysed(CAMERA_A)
            _until(lambda: analysed(CAMERA_A) > before + 10, 45, "camera A's analysis after reconnection")
            assert cameras()[CAMERA_A]["reconnects"] >= 1 and cameras()[CAMERA_B]["reconnects"] == 0

            # Nothing produced was lost: everything in the outbox was delivered.
            # The cameras keep producing events, so judge one snapshot at a time: eventually every event
            # produced so far has been delivered and none waits.
            def all_delivered() -> bool:
                delivery = status()["delivery"]
                return delivery["pending"] == 0 and delivery["produced"] == delivery["delivered"] > 0

            _until(all_delivered, 30, "every produced event delivered")
            intrusions_raised = len(raised(INTRUSION_EVENT))
        finally:
            bridge.send_signal(signal.SIGTERM)
            output, _ = bridge.communicate(timeout=30)
            print(output[-5000:])
        assert bridge.returncode == 0
        assert fake.password not in output
        # The audit trail recorded the custom events the bridge created and every alert it delivered.
        trail = AuditTrail(tmp_path / "audit/audit.jsonl")
        assert trail.verify() == []
        actions = [(entry.action, entry.details.get("ids")) for entry in trail.entries()]
        assert (CUSTOM_EVENTS_CREATED, [LOITERING_EVENT, INTRUSION_EVENT]) in actions
        delivered = [entry for entry in trail.entries() if entry.action == "alert.delivered"]
        assert {entry.subject for entry in delivered} <= {CAMERA_A, CAMERA_B} and delivered
        outbox = Outbox(tmp_path / "outbox.sqlite3")
        delivered_ids = outbox.delivered_ids()
        outbox.close()
        assert {entry.details["event_id"] for entry in delivered} <= set(delivered_ids)
        # SIGTERM may land between an event's delivery and its audit entry: one per camera at most.
        assert len(delivered) >= len(delivered_ids) - 2

    # The statistics the monthly report reads were recorded as the bridge ran: camera A analysed less
    # than camera B (its gateway was down 20 s), the alerts raised, the availability of each component.
    store = StatisticsStore(tmp_path / "statistics.sqlite3")
    analysed_a, analysed_b = (
        sum(store.analysed(c, 0, time.time() + 60).values()) for c in (CAMERA_A, CAMERA_B)
    )
    assert 0 < analysed_a < analysed_b
    alerts = store.alerts(0, time.time() + 3600)
    assert alerts[(CAMERA_A, "intrusion:junction_right")] >= intrusions_raised > 0
    availability = store.availability(0, time.time() + 3600)
    assert set(availability) == {"bridge", "daemon", "security_center"}
    assert availability["bridge"].observed_s > 0 and availability["security_center"].up_s > 0
