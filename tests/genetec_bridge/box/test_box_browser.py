"""The core path of the configuration box as a new user takes it, in real headless Chromium (Debian's
`chromium`, driven by Playwright; no browser is downloaded), against the real product: RTSP test
server as the Media Gateway, fake Web SDK as Security Center, `genetec-bridge run` with its daemon.

The first account is created from the command line; the integrator logs in, opens the camera, draws
a new zone on the snapshot, attaches a loitering skill with a schedule, a cool-down and a custom
event, sees a wrong value refused next to its field, replays the draft over the tracks recorded so
far and watches it live, then saves and applies without a restart; the zone's
events reach Security Center, the file keeps its comments and the audit trail names the change.
A screenshot of each page is kept under var/test-artifacts/box/.
"""

import json
import os
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from genetec_bridge.audit.trail import AuditTrail
from tests.support.browser import shot
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, free_port
from tests.support.rtsp_server_process import PETS, PETS_FPS, start_rtsp_server

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
NEW_EVENT = 7001
PASSWORD = "integrator-password-for-the-test"
KEPT_COMMENT = "# the junction, kept through every save"
LIVE_REASON = "acceptance of the square with the operators"
ANALYSED_BEFORE_REPLAY = 40  # frames: 8 s at 5 fps, people walk through the zone drawn below all along


def _site(fake: FakeWebSdkProcess, rtsp_port: int, box_port: int, model: Path, tmp: Path) -> str:
    return f"""# Site of the box's browser test.
[genetec]
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
batch_size = 2
socket_path = "{tmp}/run/daemon.sock"

[health]
port = {free_port()}

[delivery]
outbox_path = "{tmp}/outbox.sqlite3"
max_events_per_minute_per_camera = 600

[box]
enabled = true
port = {box_port}
accounts_path = "box/accounts.json"
versions_dir = "box/versions"

[audit]
path = "box/audit.jsonl"

# The test's own stores: a trust mode kept from an earlier run would override the one chosen here.
[counting]
store_path = "statistics.sqlite3"

[trust]
store_path = "trust.sqlite3"

[[cameras]]
id = "{CAMERA}"
name = "PETS"
fps = 5

[[cameras.zones]]
name = "junction"   {KEPT_COMMENT}
polygon = [[0.56, 0.3], [0.91, 0.3], [0.97, 0.73], [0.65, 0.73]]
"""


def _until(condition: Callable[[], Any], timeout_s: float, what: str) -> Any:
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


def _frames_analysed(row_text: str) -> int:
    found = re.search(r"(\d+) frames analysed", row_text)
    return int(found.group(1)) if found else 0


def _snapshot_shown(page: Page) -> None:
    # Not wait_for_function: its string predicate is an eval, which the box's CSP rightly refuses.
    _until(lambda: page.locator("#snapshot").evaluate("img => img.naturalWidth") > 0, 30, "snapshot shown")


def _click_at(page: Page, x: float, y: float) -> None:
    box = page.locator("#drawing").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])


def test_new_user_draws_a_zone_saves_applies_and_its_events_reach_security_center(
    shared_asset: Callable[[str], Path], tmp_path: Path, browser: Browser
) -> None:
    box_port = free_port()
    with (
        start_rtsp_server(shared_asset(PETS), [CAMERA], fps=PETS_FPS) as rtsp,
        FakeWebSdkProcess(record=tmp_path / "received.jsonl") as fake,
        # To a file, never an unread pipe: the bridge logs every event and would block on a full pipe.
        (tmp_path / "bridge.log").open("w") as bridge_log,
    ):
        config = tmp_path / "site.toml"
        config.write_text(_site(fake, rtsp.port, box_port, shared_asset("models/yolox_nano.onnx"), tmp_path))
        env = {**os.environ, "BOX_WEBSDK_PASSWORD": fake.password}
        command = [sys.executable, "-m", "genetec_bridge.cli"]
        created = subprocess.run(
            [*command, "box", "add-user", "ines", "--role", "integrator", "--config", str(config)],
            input=PASSWORD + "\n",
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        assert PASSWORD not in created.stdout + created.stderr
        bridge = subprocess.Popen(
            [*command, "run", "--config", str(config)],
            env=env,
            stdout=bridge_log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{box_port}"
        try:
            _until(lambda: httpx.get(f"{url}/login", timeout=2).status_code == 200, 30, "box serving")
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{url}/")
            shot(page, "01-login")
            page.fill("#user", "ines")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")

            # Cameras: Security Center's names and online state beside the bridge's analysis state.
            row = page.locator(f"tr[data-camera='{CAMERA}']")
            expect(row).to_contain_text("Parvis Mairie")
            expect(row).to_contain_text("online")
            # Streaming, and analysed long enough for the replay below to have tracks to run over.
            _until(
                lambda: page.reload() and _frames_analysed(row.inner_text()) >= ANALYSED_BEFORE_REPLAY,
                90,
                "analysis",
            )
            expect(row).to_contain_text("streaming")
            expect(page.locator(f"tr[data-camera='{CAMERA_GUIDS[1]}']")).to_contain_text("not analysed")
            shot(page, "02-cameras")

            # Editor on a fresh snapshot from the Media Gateway.
            page.locator(f"tr[data-camera='{CAMERA}'] a").click()
            _snapshot_shown(page)
            shot(page, "03-editor")
            page.click("[data-action=new-zone]")
            for x, y in ((0.05, 0.35), (0.95, 0.35), (0.95, 0.97), (0.05, 0.97)):
                _click_at(page, x, y)
            _click_at(page, 0.05, 0.35)  # the first point closes the polygon
            expect(page.locator("polygon.zone")).to_have_count(2)
            page.locator(".shape-name").nth(1).fill("square")
            page.locator(".shape-name").nth(1).press("Tab")

            # A point dragged, then undone: the zone is back where it was drawn.
            handle = page.locator("circle.vertex").first
            before = handle.get_attribute("cx")
            handle_box = handle.bounding_box()
            assert handle_box is not None
            page.mouse.move(handle_box["x"] + 3, handle_box["y"] + 3)
            page.mouse.down()
            page.mouse.move(handle_box["x"] + 60, handle_box["y"] + 40)
            page.mouse.up()
            assert page.locator("circle.vertex").first.get_attribute("cx") != before
            page.click("[data-action=undo]")
            page.locator("polygon.zone").nth(1).dispatch_event("pointerdown")
            assert page.locator("circle.vertex").first.get_attribute("cx") == before

            # From the keyboard alone: a line placed, its first point moved with the arrow keys, a
            # deletion refused below two points, the direction reversed, then the line deleted.
            page.focus("[data-action=new-line]")
            page.keyboard.press("Enter")
            expect(page.locator("line.shape")).to_have_count(1)
            start_x = float(page.locator("circle.vertex").first.get_attribute("cx") or 0)
            expect(page.locator("circle.vertex").first).to_be_focused()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("Delete")
            assert float(page.locator("circle.vertex").first.get_attribute("cx") or 0) > start_x
            expect(page.locator("circle.vertex")).to_have_count(2)
            page.click("[data-action=reverse]")
            page.click("[data-action=delete-shape]")
            expect(page.locator("line.shape")).to_have_count(0)

            # A schedule open all week, all day, in Paris time.
            page.fill("#new-schedule-name", "always")
            page.click("[data-action=add-schedule]")
            page.fill("[data-key='schedules.always.timezone'] input", "Europe/Paris")
            page.locator("[data-key='schedules.always.timezone'] input").press("Tab")
            page.fill("[data-key='schedules.always.windows[0].start'] input", "00:00")
            page.locator("[data-key='schedules.always.windows[0].start'] input").press("Tab")
            page.fill("[data-key='schedules.always.windows[0].end'] input", "00:00")
            page.locator("[data-key='schedules.always.windows[0].end'] input").press("Tab")

            # A loitering skill on the new zone, with a cool-down and a custom event.
            page.select_option("#new-skill-kind", "loitering")
            page.click("[data-action=add-skill]")
            skill = page.locator("fieldset.skill").last
            expect(skill.locator("[data-key='skills[0].zone'] select")).to_have_value("square")
            skill.locator("[data-key='skills[0].schedule'] select").select_option("always")
            skill.locator("[data-key='skills[0].cooldown_s'] input").fill("30")
            skill.locator("[data-key='skills[0].cooldown_s'] input").press("Tab")
            skill.locator("[data-key='skills[0].min_dwell_s'] input").fill("-2")
            skill.locator("[data-key='skills[0].min_dwell_s'] input").press("Tab")
            skill.locator(".alert-toggle").check()
            page.fill("[data-key='skills[0].alert.custom_event_id'] input", str(NEW_EVENT))
            page.locator("[data-key='skills[0].alert.custom_event_id'] input").press("Tab")
            # Live from the start: shadow alerts never reach Security Center, and live before the trust
            # gate is a named, reasoned decision (audited); without it the skill would start in shadow.
            page.locator("[data-key='skills[0].alert.mode'] select").select_option("live")
            for key, value in (("live_decided_by", "Ines Martin"), ("live_reason", LIVE_REASON)):
                page.fill(f"[data-key='skills[0].alert.{key}'] input", value)
                page.locator(f"[data-key='skills[0].alert.{key}'] input").press("Tab")

            # A wrong value is refused, next to its field; nothing is written.
            page.click("[data-action=save]")
            error = page.locator("[data-key='skills[0].min_dwell_s'] .field-error")
            expect(error).to_contain_text("greater than 0")
            assert "square" not in config.read_text()
            shot(page, "04-editor-error")
            skill.locator("[data-key='skills[0].min_dwell_s'] input").fill("2")
            skill.locator("[data-key='skills[0].min_dwell_s'] input").press("Tab")

            # Before saving: the draft replayed over the tracks recorded so far, then live.
            page.click("[data-action=replay]")
            expect(page.locator("#replay-summary")).to_contain_text("would have raised")
            expect(page.locator("#preview table")).to_contain_text("loitering:square")
            shot(page, "05-editor-replay")
            page.click("[data-action=live]")
            _until(lambda: page.locator("rect.track").count() > 0, 20, "live track boxes")
            expect(page.locator("#firing")).to_be_visible()
            shot(page, "06-editor-live")
            page.click("[data-action=live]")
            assert not fake.raised_custom_events(), "a draft raised something in Security Center"
            page.click("[data-action=save]")
            expect(page.locator("#status")).to_contain_text("Saved as version")
            page.click("[data-action=apply]")
            expect(page.locator("#status")).to_contain_text("1 camera(s) reconfigured")
            shot(page, "07-editor-saved")

            # The new zone's events reach Security Center, without a restart of the bridge.
            raised = _until(
                lambda: [r for r in fake.raised_custom_events() if r["custom_event_id"] == NEW_EVENT],
                60,
                "the new zone's loitering event in Security Center",
            )
            assert json.loads(raised[0]["payload"])["zone"] == "square"
            assert bridge.poll() is None

            text = config.read_text()
            assert KEPT_COMMENT in text and "# Site of the box's browser test." in text
            written = tomllib.loads(text)
            assert written["cameras"][0]["zones"][1]["name"] == "square"
            assert written["cameras"][0]["skills"][0] == {
                "kind": "loitering",
                "zone": "square",
                "schedule": "always",
                "cooldown_s": 30,
                "min_dwell_s": 2,
                "alert": {  # a new routing starts with what loitering raises: a visit's start and end
                    "mode": "live",
                    "custom_event_id": NEW_EVENT,
                    "bookmark": True,
                    "phases": ["start", "end"],
                    "live_decided_by": "Ines Martin",
                    "live_reason": LIVE_REASON,
                },
            }
            assert written["schedules"]["always"]["timezone"] == "Europe/Paris"
            entries = AuditTrail(tmp_path / "box/audit.jsonl").entries()
            save = next(e for e in entries if e.action == "config.save")
            assert save.actor == "ines"
            assert {
                "zones: added square",
                "skills: added loitering:square",
                "schedules: added always",
            } <= set(save.details["changes"])
            assert any(e.action == "config.apply" and e.actor == "ines" for e in entries)
            # The trust loop took the new skill at the apply: live by the decision saved with it.
            assert any(
                e.action == "skill.live_from_config"
                and e.subject == f"{CAMERA}/loitering:square"
                and (e.actor, e.details["reason"]) == ("Ines Martin", LIVE_REASON)
                for e in entries
            )

            page.goto(f"{url}/versions")
            shot(page, "08-versions")
            page.locator("#versions a").first.click()
            expect(page.locator("#diff ins").first).to_be_visible()
            shot(page, "09-diff")
            page.goto(f"{url}/audit")
            expect(page.locator("#audit")).to_contain_text("config.save")
            shot(page, "10-audit")
            page.goto(f"{url}/lang/fr")
            page.goto(f"{url}/cameras/{CAMERA}")
            expect(page.locator("[data-action=save]")).to_have_text("Enregistrer")
            _snapshot_shown(page)
            page.set_viewport_size({"width": 2560, "height": 1440})
            shot(page, "11-editor-fr-large")
        finally:
            bridge.terminate()
            try:
                bridge.wait(timeout=20)
            except subprocess.TimeoutExpired:
                bridge.kill()
