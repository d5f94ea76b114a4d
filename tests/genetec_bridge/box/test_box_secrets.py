"""Secrets in the box: never in a saved version or a diff (redacted before writing, files 0600),
diffs and rollback for integrators only, a rollback that keeps the file's secrets, and a viewer who
never sees a secret on any page (real headless Chromium)."""

import stat
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from genetec_bridge.box.redaction import REDACTED
from genetec_bridge.config.site import load_site_config
from tests.support.box_site import PASSWORDS, box_in_background, running_box, session, write_box_site
from tests.support.browser import shot
from tests.support.site_config_files import edited

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
SC_SECRET = "inline-security-center-secret"
HEALTH_SECRET = "inline-health-token-secret"


def _site_with_inline_secrets(directory: Path) -> Path:
    path = write_box_site(directory)
    text = edited(path.read_text(), 'password = { env = "GENETEC_PASSWORD" }', f'password = "{SC_SECRET}"')
    path.write_text(edited(text, '# token = { file = "secrets/health-token" }', f'token = "{HEALTH_SECRET}"'))
    return path


async def _save_fps(client: httpx.AsyncClient, csrf: str, fps: int) -> int:
    draft = (await client.get(f"/api/cameras/{CAMERA}")).json()
    draft["camera"]["fps"] = fps
    saved = await client.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200, saved.text
    return int(saved.json()["version"])


async def test_an_integrator_cannot_send_the_site_s_rtsp_credentials_to_a_typed_host(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    before = path.read_text()
    async with running_box(path) as (server, _):
        ines, csrf = await session(server.url.rstrip("/"), "ines")
        draft = (await ines.get(f"/api/cameras/{CAMERA}")).json()
        draft["camera"]["media_gateway"] = {"host": "attacker.example", "port": 554}
        refused = await ines.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 422
        problems = {p["key"]: p["message"] for p in refused.json()["problems"]}
        assert "not a Media Gateway role" in problems["cameras[0].media_gateway.host"]
        await ines.aclose()
    assert path.read_text() == before


async def test_versions_hold_no_secret_and_a_rollback_keeps_the_file_s(tmp_path: Path) -> None:
    path = _site_with_inline_secrets(tmp_path)
    versions = tmp_path / "box/versions"
    async with running_box(path) as (server, _):
        base = server.url.rstrip("/")
        ines, csrf = await session(base, "ines")
        assert await _save_fps(ines, csrf, 4) == 2  # version 1: the file as it was

        files = sorted(versions.iterdir())
        assert [f.name for f in files] == ["000001.toml", "000002.toml", "index.jsonl"]
        for file in files:
            text = file.read_text()
            assert SC_SECRET not in text and HEALTH_SECRET not in text, file.name
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
        assert stat.S_IMODE(versions.stat().st_mode) == 0o700
        assert f'password = "{REDACTED}"' in (versions / "000001.toml").read_text()
        # The password's own comment stays, as every other comment of the file.
        assert '# or "inline"' in (versions / "000001.toml").read_text()

        diff = await ines.get("/versions/1")
        assert diff.status_code == 200 and REDACTED in diff.text
        assert SC_SECRET not in diff.text and HEALTH_SECRET not in diff.text

        # Diff and rollback are the integrator's: a viewer and a reviewer get neither.
        for user in ("victor", "rita"):
            other, other_csrf = await session(base, user)
            assert (await other.get("/versions/1")).status_code == 403
            refused = await other.post("/versions/1/rollback", data={"csrf_token": other_csrf})
            assert refused.status_code == 403
            listing = await other.get("/versions")
            assert listing.status_code == 200 and 'href="/versions/1"' not in listing.text
            await other.aclose()

        # Rolled back to version 1: its fps, and the secrets the file holds now (not the marker).
        rolled = await ines.post(
            "/versions/1/rollback", data={"csrf_token": csrf, "confirmed": "yes"}, follow_redirects=False
        )
        assert rolled.status_code == 303, rolled.text
        site = load_site_config(path)
        assert site.cameras[0].fps == 5
        assert site.genetec.password.get_secret_value() == SC_SECRET
        assert site.health.token is not None and site.health.token.get_secret_value() == HEALTH_SECRET

        # A secret removed from the file since: the rollback is refused, naming the key.
        path.write_text(edited(path.read_text(), f'token = "{HEALTH_SECRET}"', ""))
        refused = await ines.post("/versions/1/rollback", data={"csrf_token": csrf, "confirmed": "yes"})
        assert refused.status_code == 422 and "health.token" in refused.text
        assert HEALTH_SECRET not in refused.text
        await ines.aclose()


@pytest.mark.integration
def test_a_viewer_never_sees_a_secret(tmp_path: Path, browser: Browser) -> None:
    path = _site_with_inline_secrets(tmp_path)
    rtsp_password = (tmp_path / "secrets/rtsp-password").read_text().strip()
    secrets = (SC_SECRET, HEALTH_SECRET, rtsp_password, PASSWORDS["ines"])
    with box_in_background(path) as (url, _):
        integrator = browser.new_page(viewport={"width": 1366, "height": 768})
        integrator.goto(f"{url}/login")
        integrator.fill("#user", "ines")
        integrator.fill("#password", PASSWORDS["ines"])
        integrator.click("button[type=submit]")
        integrator.goto(f"{url}/cameras/{CAMERA}")
        integrator.fill("#camera-fps", "4")
        integrator.locator("#camera-fps").press("Tab")
        integrator.click("[data-action=save]")
        expect(integrator.locator("#status")).to_contain_text("Saved as version")
        integrator.goto(f"{url}/versions/1")
        expect(integrator.locator("#diff")).to_be_visible()
        shot(integrator, "secrets-01-integrator-diff")

        viewer = browser.new_page(viewport={"width": 1366, "height": 768})
        viewer.goto(f"{url}/login")
        viewer.fill("#user", "victor")
        viewer.fill("#password", PASSWORDS["victor"])
        viewer.click("button[type=submit]")
        seen = []
        for page_path in ("/cameras", f"/cameras/{CAMERA}", "/versions", "/audit", "/review", "/traffic"):
            viewer.goto(f"{url}{page_path}")
            seen.append(viewer.content())
        viewer.goto(f"{url}/versions")
        expect(viewer.locator("#versions tbody tr")).to_have_count(2)
        expect(viewer.locator("#versions a")).to_have_count(0)
        shot(viewer, "secrets-02-viewer-versions")
        answer = viewer.goto(f"{url}/versions/1")
        assert answer is not None and answer.status == 403
        seen.append(viewer.content())
        assert not [s for s in secrets if any(s in html for html in seen)], "a secret shown to a viewer"
