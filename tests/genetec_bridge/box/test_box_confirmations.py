"""Confirmations and errors as a person sees them, over a real socket: adding a camera and rolling
back ask first and change nothing until confirmed; a second click, a refusal or a failure is a page in
the reader's language naming no server path; after a rollback the versions page offers Apply."""

import tomllib
from html import unescape
from pathlib import Path

import httpx

from genetec_bridge.websdk.client import WebSdkClient
from tests.support.box_site import running_box, session, write_box_site
from tests.support.fake_websdk_process import FakeWebSdkProcess

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
NEW_CAMERA = "00000001-0000-babe-0000-00408ca1eb97"  # in the fake Security Center, not in the example file
RAW = ("Traceback", "invalid config file", "422:", "404: Not Found", "500 Internal")


def _in_french(client: httpx.AsyncClient) -> httpx.AsyncClient:
    client.cookies.set("box_lang", "fr")
    return client


def _readable(page: httpx.Response, site: Path) -> None:
    """A page of the box, not a raw answer: HTML, with its message, and no path of the server."""
    assert page.headers["content-type"].startswith("text/html"), page.text
    assert 'id="error-message"' in page.text or 'id="confirm-explained"' in page.text, page.text
    assert str(site.parent) not in page.text
    assert not any(raw in page.text for raw in RAW), page.text


async def test_analysing_a_camera_asks_first_and_a_second_click_is_explained(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    with FakeWebSdkProcess() as fake:
        websdk = WebSdkClient(fake.base_url, fake.username, fake.password)
        async with running_box(path, websdk) as (server, _):
            ines, csrf = await session(server.url.rstrip("/"), "ines")
            _in_french(ines)
            before = path.read_text()
            asked = await ines.post(f"/cameras/{NEW_CAMERA}/add", data={"csrf_token": csrf})
            assert asked.status_code == 200
            _readable(asked, path)
            assert "Analyser la caméra Piste cyclable Quai ?" in unescape(asked.text)
            assert path.read_text() == before  # nothing written before the confirmation

            confirm = {"csrf_token": csrf, "confirmed": "yes"}
            added = await ines.post(f"/cameras/{NEW_CAMERA}/add", data=confirm)
            assert added.status_code == 303 and added.headers["location"] == f"/cameras/{NEW_CAMERA}"
            ids = [camera["id"] for camera in tomllib.loads(path.read_text())["cameras"]]
            assert ids.count(NEW_CAMERA) == 1

            for data in (confirm, {"csrf_token": csrf}):  # the second click, confirmed or not
                again = await ines.post(f"/cameras/{NEW_CAMERA}/add", data=data)
                assert again.status_code == 409
                _readable(again, path)
                assert "La caméra Piste cyclable Quai est déjà analysée" in unescape(again.text)
                assert f'href="/cameras/{NEW_CAMERA}"' in again.text
            ids = [camera["id"] for camera in tomllib.loads(path.read_text())["cameras"]]
            assert ids.count(NEW_CAMERA) == 1
            await ines.aclose()
        await websdk.aclose()


async def test_a_rollback_asks_first_then_apply_is_the_next_step(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, bridge):
        ines, csrf = await session(server.url.rstrip("/"), "ines")
        draft = (await ines.get(f"/api/cameras/{CAMERA}")).json()
        draft["camera"]["fps"] = 3
        saved = await ines.post(f"/api/cameras/{CAMERA}", json=draft, headers={"X-CSRF-Token": csrf})
        assert saved.status_code == 200, saved.text
        assert (await ines.post("/api/apply", headers={"X-CSRF-Token": csrf})).status_code == 200
        assert 'id="next-step"' not in (await ines.get("/versions")).text  # saved file runs

        after_save = path.read_text()
        asked = await ines.post("/versions/1/rollback", data={"csrf_token": csrf})
        assert asked.status_code == 200 and "Roll back to version 1?" in asked.text
        _readable(asked, path)
        assert path.read_text() == after_save

        rolled = await ines.post("/versions/1/rollback", data={"csrf_token": csrf, "confirmed": "yes"})
        assert rolled.status_code == 303
        assert load_fps(path) != 3
        listing = await ines.get(rolled.headers["location"])
        assert 'id="next-step"' in listing.text and 'action="/versions/apply"' in listing.text

        applied_before = len(bridge.applied)
        applied = await ines.post("/versions/apply", data={"csrf_token": csrf})
        assert applied.status_code == 303 and len(bridge.applied) == applied_before + 1
        assert bridge.applied[-1] == [CAMERA]
        listing = await ines.get(applied.headers["location"])
        assert "Applied: 1 camera(s) reconfigured." in listing.text and 'id="next-step"' not in listing.text
        await ines.aclose()


def load_fps(path: Path) -> object:
    return tomllib.loads(path.read_text())["cameras"][0].get("fps")


async def test_every_refusal_of_a_page_is_a_page_in_the_reader_s_language(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, _):
        base = server.url.rstrip("/")
        ines, _ = await session(base, "ines")
        victor, victor_csrf = await session(base, "victor")
        async with httpx.AsyncClient(base_url=base) as anonymous:
            answers = {
                "unknown page": (404, await _in_french(ines).get("/nowhere")),
                "unknown version": (404, await ines.get("/versions/999")),
                "role too low": (403, await _in_french(victor).get("/versions/1")),
                "no form token": (403, await ines.post("/versions/1/rollback", data={"confirmed": "yes"})),
                "session ended": (401, await _in_french(anonymous).post("/versions/apply", data={})),
                "bad query": (400, await ines.get("/audit?page=x")),
            }
            for what, (status, page) in answers.items():
                assert page.status_code == status, what
                _readable(page, path)
            assert "Cette page n'existe pas." in unescape(answers["unknown page"][1].text)
            assert "Il n'y a pas de version 999." in unescape(answers["unknown version"][1].text)
            assert "Votre rôle ne le permet pas." in unescape(answers["role too low"][1].text)
            assert 'href="/login"' in answers["session ended"][1].text

            # A damaged site file: the failure is a page, its detail in the bridge's log.
            path.write_bytes(b"\xff\xfe not a site file")
            failed = await ines.get("/versions")
            assert failed.status_code == 500
            _readable(failed, path)
            assert "Un problème est survenu dans le boîtier" in unescape(failed.text)
            # The API keeps answering its scripts in JSON.
            api = await victor.post("/api/apply", headers={"X-CSRF-Token": victor_csrf})
            assert api.status_code == 403 and api.json()["error"]
        await ines.aclose()
        await victor.aclose()
