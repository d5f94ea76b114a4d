"""The box's API over a real socket: sessions, roles, CSRF, validation with key paths, conflicts,
comment-preserving saves with versions, rollback and audit, login throttling, and drafts tried on
recorded tracks (replay, live view) without saving."""

import re
import shutil
import ssl
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from analytics.frame_tracks import FrameTracks, TrackedObject
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.link.analysed_pictures import AnalysedPicture
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.box_site import PASSWORDS, login, running_box, session, write_box_site
from tests.support.fake_websdk_process import FakeWebSdkProcess

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
NEW_CAMERA = "00000001-0000-babe-0000-00408ca1eb97"  # in the fake Security Center, not in the example file


async def _draft(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get(f"/api/cameras/{CAMERA}")
    assert response.status_code == 200
    return response.json()


async def test_sessions_roles_and_csrf_guard_every_change(tmp_path: Path) -> None:
    async with running_box(write_box_site(tmp_path)) as (server, _):
        base = server.url.rstrip("/")
        async with httpx.AsyncClient(base_url=base) as anonymous:
            assert (await anonymous.get(f"/api/cameras/{CAMERA}")).status_code == 401
            assert (await anonymous.post(f"/api/cameras/{CAMERA}", json={})).status_code == 401
            assert (await anonymous.post("/api/apply")).status_code == 401
            page = await anonymous.get("/cameras")
            assert page.status_code == 303 and page.headers["location"].startswith("/login")

        viewer, viewer_csrf = await session(base, "victor")
        draft = await _draft(viewer)
        refused = await viewer.post(
            f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": viewer_csrf}
        )
        assert refused.status_code == 403
        assert (await viewer.post("/api/apply", headers={"X-CSRF-Token": viewer_csrf})).status_code == 403
        reviewer, reviewer_csrf = await session(base, "rita")
        assert (await reviewer.post("/api/apply", headers={"X-CSRF-Token": reviewer_csrf})).status_code == 403

        integrator, csrf = await session(base, "ines")
        draft = await _draft(integrator)
        no_token = await integrator.post(f"/api/cameras/{CAMERA}", json=draft)
        wrong_token = await integrator.post(
            f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf[:-2]}
        )
        other_session_token = await integrator.post(
            f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": viewer_csrf}
        )
        assert [r.status_code for r in (no_token, wrong_token, other_session_token)] == [403, 403, 403]
        assert "CSRF" in no_token.json()["error"]
        allowed = await integrator.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
        assert allowed.status_code == 200, allowed.text

        cookie = next(
            c
            for c in (await login(httpx.AsyncClient(base_url=base), "ines")).headers.get_list("set-cookie")
            if c.startswith("box_session=")
        )
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
        for client in (viewer, reviewer, integrator):
            await client.aclose()


async def test_a_bad_polygon_is_answered_with_its_key_and_reason_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    path = write_box_site(tmp_path)
    before = path.read_text()
    async with running_box(path) as (server, _):
        client, csrf = await session(server.url.rstrip("/"), "ines")
        draft = await _draft(client)
        draft["camera"]["zones"][1]["polygon"] = [[0.1, 0.1], [0.2, 0.2]]
        draft["camera"]["zones"][2]["polygon"][0] = [1.5, 0.2]
        response = await client.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 422
        problems = {p["key"]: p["message"] for p in response.json()["problems"]}
        assert "at least 3 points" in problems["cameras[0].zones[1].polygon"]
        assert any(key.startswith("cameras[0].zones[2].polygon[0]") for key in problems), problems
        await client.aclose()
    assert path.read_text() == before


async def test_two_integrators_saving_the_same_camera_get_a_conflict(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, _):
        base = server.url.rstrip("/")
        ines, ines_csrf = await session(base, "ines")
        ivan, ivan_csrf = await session(base, "ivan")
        ines_draft, ivan_draft = await _draft(ines), await _draft(ivan)
        ines_draft["camera"]["fps"] = 4
        ivan_draft["camera"]["fps"] = 3
        first = await ines.post(
            f"/api/cameras/{CAMERA}", json=ines_draft, headers={"X-CSRF-Token": ines_csrf}
        )
        second = await ivan.post(
            f"/api/cameras/{CAMERA}", json=ivan_draft, headers={"X-CSRF-Token": ivan_csrf}
        )
        assert first.status_code == 200 and second.status_code == 409
        assert tomllib.loads(path.read_text())["cameras"][0]["fps"] == 4
        # Reloaded, Ivan's save goes through on top of Ines's.
        ivan_draft = await _draft(ivan)
        ivan_draft["camera"]["fps"] = 3
        third = await ivan.post(
            f"/api/cameras/{CAMERA}", json=ivan_draft, headers={"X-CSRF-Token": ivan_csrf}
        )
        assert third.status_code == 200
        await ines.aclose()
        await ivan.aclose()


async def test_save_keeps_comments_versions_and_audit_then_apply_and_rollback(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    original = path.read_text()
    async with running_box(path) as (server, bridge):
        client, csrf = await session(server.url.rstrip("/"), "ines")
        draft = await _draft(client)
        draft["camera"]["zones"].append({"name": "Bench", "polygon": [[0.1, 0.6], [0.3, 0.6], [0.3, 0.9]]})
        draft["camera"]["skills"].append(
            {"kind": "loitering", "zone": "Bench", "min_dwell_s": 20, "cooldown_s": 120, "schedule": "nights"}
        )
        saved = await client.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
        assert saved.status_code == 200, saved.text
        text = path.read_text()
        # Every comment of the original file is still there, and the new zone and skill are added.
        comments = [line.split("#", 1)[1] for line in original.splitlines() if "#" in line]
        assert all(comment in text for comment in comments)
        written = tomllib.loads(text)["cameras"][0]
        assert written["zones"][-1]["name"] == "Bench" and written["skills"][-1]["cooldown_s"] == 120

        applied = await client.post("/api/apply", headers={"X-CSRF-Token": csrf})
        assert applied.status_code == 200 and applied.json()["changed"] == [CAMERA]
        assert bridge.applied == [[CAMERA]]

        versions = await client.get("/versions")
        assert "config.save" in versions.text
        diff = await client.get(f"/versions/{saved.json()['version']}")
        assert "+name = &#34;Bench&#34;" in diff.text or '+name = "Bench"' in diff.text

        page = await client.get(f"/versions/{saved.json()['version']}")
        rolled = await client.post("/versions/1/rollback", data={"csrf_token": csrf, "confirmed": "yes"})
        assert rolled.status_code == 303 and page.status_code == 200
        assert path.read_text() == original
        await client.aclose()
    trail = AuditTrail(tmp_path / "box/audit.jsonl")
    actions = [(e.actor, e.action) for e in trail.entries()]
    assert ("ines", "config.save") in actions and ("ines", "config.apply") in actions
    assert ("ines", "config.rollback") in actions
    save = next(e for e in trail.entries() if e.action == "config.save")
    assert "zones: added Bench" in save.details["changes"] and save.subject == CAMERA
    assert trail.verify() == []


async def test_login_is_throttled_after_repeated_failures(tmp_path: Path) -> None:
    path = write_box_site(tmp_path, box="login_attempts = 3\nlogin_lockout_s = 600")
    async with running_box(path) as (server, _), httpx.AsyncClient(base_url=server.url.rstrip("/")) as client:
        statuses = [(await login(client, "ines", "wrong-password-x")).status_code for _ in range(3)]
        locked = await login(client, "ines")  # the right password, but locked now
        assert statuses == [401, 401, 401] and locked.status_code == 429
        other = await login(client, "ivan")  # per address, whatever the name
        assert other.status_code == 429
        forged = await client.post(
            "/login", data={"user": "ivan", "password": PASSWORDS["ivan"], "csrf_token": "x"}
        )
        assert forged.status_code == 403


async def test_pages_need_a_session_and_carry_security_headers(tmp_path: Path) -> None:
    routes = ["/cameras", "/versions", "/audit", f"/cameras/{CAMERA}"]
    async with (
        running_box(write_box_site(tmp_path)) as (server, _),
        httpx.AsyncClient(base_url=server.url.rstrip("/")) as client,
    ):
        assert [(await client.get(route)).status_code for route in routes] == [303] * len(routes)
        await login(client, "victor")
        for route in routes:
            page = await client.get(route)
            assert page.status_code == 200, route
            assert "default-src 'self'" in page.headers["content-security-policy"]
            assert not re.search(r"(src|href)=\"(https?:)?//", page.text), route  # nothing from elsewhere


def _standing_person(seconds: float, at: tuple[float, float]) -> list[FrameTracks]:
    """One person standing still at `at` (bottom-centre), 5 frames a second, captured just now."""
    start = datetime.now(UTC) - timedelta(seconds=seconds)
    x, y = at
    return [
        FrameTracks(
            camera_id=CAMERA,
            frame=n + 1,
            time_s=n / 5,
            objects=(TrackedObject(7, "person", (x - 0.02, y - 0.1, x + 0.02, y), 0.9),),
            timestamp=start + timedelta(seconds=n / 5),
        )
        for n in range(int(seconds * 5))
    ]


async def test_replay_and_live_view_run_the_draft_over_recorded_tracks_without_saving(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    before = path.read_text()
    async with running_box(path) as (server, bridge):
        bridge.tracks[CAMERA] = _standing_person(40, (0.3, 0.8))
        newest = bridge.tracks[CAMERA][-1]
        assert newest.timestamp is not None
        bridge.pictures[CAMERA] = AnalysedPicture(
            newest.frame, newest.timestamp, np.zeros((54, 96, 3), np.uint8)
        )
        client, csrf = await session(server.url.rstrip("/"), "victor")  # trying a draft needs no edit right
        draft = await _draft(client)
        draft["camera"]["zones"].append(
            {"name": "Bench", "polygon": [[0.1, 0.6], [0.5, 0.6], [0.5, 0.95], [0.1, 0.95]]}
        )
        draft["camera"]["skills"].append({"kind": "loitering", "zone": "Bench", "min_dwell_s": 5})
        body = {"camera": draft["camera"], "schedules": draft["schedules"]}
        replayed = await client.post(
            f"/api/cameras/{CAMERA}/replay", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert replayed.status_code == 200, replayed.text
        result = replayed.json()
        assert result["frames"] == 200
        starts = [e for e in result["events"] if e["skill"] == "loitering:Bench" and e["phase"] == "start"]
        assert len(starts) == 1 and starts[0]["track_id"] == 7

        live = await client.post(f"/api/cameras/{CAMERA}/live", json=body, headers={"X-CSRF-Token": csrf})
        view = live.json()
        assert view["zones"]["Bench"] == 1 and view["objects"][0]["class"] == "person"
        assert view["firing"] == []  # it fired 35 s ago, not now

        draft["camera"]["zones"][-1]["polygon"] = [[0.1, 0.6]]
        bad = await client.post(
            f"/api/cameras/{CAMERA}/replay",
            json={"camera": draft["camera"], "schedules": {}},
            headers={"X-CSRF-Token": csrf},
        )
        assert bad.status_code == 422
        no_token = await client.post(f"/api/cameras/{CAMERA}/replay", json=body)
        assert no_token.status_code == 403
        await client.aclose()
    assert path.read_text() == before


async def test_an_integrator_adds_a_security_center_camera_to_the_analysed_ones(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    with FakeWebSdkProcess() as fake:
        websdk = WebSdkClient(fake.base_url, fake.username, fake.password)
        async with running_box(path, websdk) as (server, _):
            base = server.url.rstrip("/")
            viewer, viewer_csrf = await session(base, "victor")
            listed = await viewer.get("/cameras")
            assert "Piste cyclable Quai" in listed.text and "Analyse this camera" not in listed.text
            refused = await viewer.post(f"/cameras/{NEW_CAMERA}/add", data={"csrf_token": viewer_csrf})
            assert refused.status_code == 403

            integrator, csrf = await session(base, "ines")
            assert "Analyse this camera" in (await integrator.get("/cameras")).text
            confirm = {"csrf_token": csrf, "confirmed": "yes"}
            added = await integrator.post(f"/cameras/{NEW_CAMERA}/add", data=confirm)
            assert added.status_code == 303 and added.headers["location"] == f"/cameras/{NEW_CAMERA}"
            cameras = tomllib.loads(path.read_text())["cameras"]
            assert cameras[-1] == {"id": NEW_CAMERA, "name": "Piste cyclable Quai"}
            again = await integrator.post(f"/cameras/{NEW_CAMERA}/add", data=confirm)
            assert again.status_code == 409 and "already analysed" in again.text
            assert (await integrator.get(f"/api/cameras/{NEW_CAMERA}")).status_code == 200
            await viewer.aclose()
            await integrator.aclose()
        await websdk.aclose()
    actions = [(e.action, e.subject) for e in AuditTrail(tmp_path / "box/audit.jsonl").entries()]
    assert ("config.add_camera", NEW_CAMERA) in actions


async def test_under_tls_the_box_speaks_https_and_its_session_cookie_is_secure(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command (Debian package openssl) makes the test's certificate"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    path = write_box_site(tmp_path, box='tls_cert = "cert.pem"\ntls_key = "key.pem"')
    async with running_box(path) as (server, _):
        assert server.url.startswith("https://")
        verify = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        async with httpx.AsyncClient(base_url=server.url.rstrip("/"), verify=verify) as client:
            response = await login(client, "ines")
            cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("box_session="))
            assert "Secure" in cookie and "HttpOnly" in cookie
        async with httpx.AsyncClient(base_url=server.url.replace("https://", "http://").rstrip("/")) as plain:
            with pytest.raises(httpx.HTTPError):
                await plain.get("/login")


async def test_a_camera_the_gateway_cannot_serve_gets_a_503_naming_no_secret(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    secret = (tmp_path / "secrets/rtsp-password").read_text().strip()
    async with running_box(path) as (server, _):
        client, _csrf = await session(server.url.rstrip("/"), "victor")
        # The example's Media Gateway host does not resolve here: no frame, and a message without the URL.
        response = await client.get(f"/cameras/{CAMERA}/snapshot.jpg")
        assert response.status_code == 503
        assert CAMERA in response.json()["error"] and secret not in response.text
        await client.aclose()
