"""The editor's careless paths in real headless Chromium, at 1366×768 and 1920×1080: what you see is
what runs (Apply refused, with the reason shown, while the page differs from the saved file; the
two-tab test), and no work lost (a local draft that survives reload, session end and logging in
again; a prompt before leaving; a conflict view that keeps both versions). The box runs on the
example site file in front of a stand-in bridge that records what is applied.
Screenshots under var/test-artifacts/box/ (editing-*)."""

import asyncio
import json
import os
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect

from genetec_bridge.app import custom_event_definitions
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.box_site import PASSWORDS, box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.fake_websdk_process import FakeWebSdkProcess
from tests.support.site_config_files import PASSWORD_ENV

pytestmark = pytest.mark.integration

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
SIZES = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context(browser: Browser, size: str) -> Iterator[BrowserContext]:
    """One browser profile: its tabs share the session cookie and the local drafts, like a user's."""
    context = browser.new_context(viewport=SIZES[size])  # type: ignore[arg-type]
    yield context
    context.close()


def _open_editor(page: Page, url: str) -> None:
    page.goto(f"{url}/cameras/{CAMERA}")
    expect(page.locator("#shape-list li").first).to_be_visible()
    # The example's Media Gateway does not exist: the shapes are drawn on a blank frame, said so.
    expect(page.locator("#snapshot-note")).to_contain_text("No snapshot from the Media Gateway")
    expect(page.locator("polygon.zone").first).to_be_visible()


def _set_fps(page: Page, fps: str) -> None:
    page.fill("#camera-fps", fps)
    page.locator("#camera-fps").press("Tab")


def _fps_in_file(path: Path) -> float:
    return float(tomllib.loads(path.read_text())["cameras"][0]["fps"])


def test_apply_runs_only_what_the_page_shows_even_with_two_tabs(
    tmp_path: Path, browser: Browser, size: str
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, bridge):
        # Two integrators, each in their own browser, on the same camera.
        first_context = browser.new_context(viewport=SIZES[size])  # type: ignore[arg-type]
        second_context = browser.new_context(viewport=SIZES[size])  # type: ignore[arg-type]
        first, second = first_context.new_page(), second_context.new_page()
        log_in(first, url, "ines")
        log_in(second, url, "ivan")
        _open_editor(first, url)
        _open_editor(second, url)
        apply_first = first.locator("[data-action=apply]")
        apply_second = second.locator("[data-action=apply]")
        expect(apply_first).to_be_enabled()

        # An unsaved edit: Apply is off, and says why.
        _set_fps(first, "4")
        expect(apply_first).to_be_disabled()
        expect(first.locator("#apply-reason")).to_contain_text("unsaved changes")
        shot(first, f"editing-01-apply-unsaved-{size}", full_page=False)
        first.click("[data-action=save]")
        expect(first.locator("#status")).to_contain_text("Saved as version")
        expect(apply_first).to_be_enabled()
        expect(first.locator("#apply-reason")).to_have_text("")

        # The second tab saves its own edit over the first's: refused, both versions kept and shown.
        _set_fps(second, "3")
        second.click("[data-action=save]")
        conflict = second.locator("#conflict")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("fps: 4 -> 3")
        expect(apply_second).to_be_disabled()
        expect(second.locator("#apply-reason")).to_contain_text("Choose a version first")
        expect(second.locator("#camera-fps")).to_have_value("3")  # their work is still on screen
        shot(second, f"editing-02-conflict-{size}", full_page=False)
        assert _fps_in_file(path) == 4

        # The first tab applies what it shows; the second's zone-less, unsaved 3 fps never runs.
        apply_first.click()
        expect(first.locator("#status")).to_contain_text("camera(s) reconfigured")
        assert bridge.site.cameras[0].fps == 4

        # The second chooses to keep theirs: still unsaved, so still no Apply; saved, then applied.
        second.click("[data-action=keep-mine]")
        expect(conflict).to_be_hidden()
        expect(apply_second).to_be_disabled()
        expect(second.locator("#apply-reason")).to_contain_text("unsaved changes")
        second.click("[data-action=save]")
        expect(second.locator("#status")).to_contain_text("Saved as version")
        apply_second.click()
        expect(second.locator("#status")).to_contain_text("camera(s) reconfigured")
        assert _fps_in_file(path) == 3 and bridge.site.cameras[0].fps == 3

        # The first tab now shows 4 fps while the file says 3: its Apply is refused by the box itself.
        applied_before = len(bridge.applied)
        apply_first.click()
        expect(first.locator("#status")).to_contain_text("another version of this camera")
        assert len(bridge.applied) == applied_before and bridge.site.cameras[0].fps == 3
        first_context.close()
        second_context.close()


def test_take_theirs_keeps_mine_one_undo_away(tmp_path: Path, browser: Browser, size: str) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        first_context = browser.new_context(viewport=SIZES[size])  # type: ignore[arg-type]
        second_context = browser.new_context(viewport=SIZES[size])  # type: ignore[arg-type]
        first, second = first_context.new_page(), second_context.new_page()
        log_in(first, url, "ines")
        log_in(second, url, "ivan")
        _open_editor(first, url)
        _open_editor(second, url)
        _set_fps(first, "4")
        first.click("[data-action=save]")
        expect(first.locator("#status")).to_contain_text("Saved as version")
        _set_fps(second, "3")
        second.click("[data-action=save]")
        second.click("[data-action=take-theirs]")
        expect(second.locator("#camera-fps")).to_have_value("4")
        expect(second.locator("[data-action=apply]")).to_be_enabled()
        second.click("[data-action=undo]")
        expect(second.locator("#camera-fps")).to_have_value("3")
        first_context.close()
        second_context.close()


def test_a_draft_survives_reload_session_end_and_logging_in_again(
    tmp_path: Path, context: BrowserContext, size: str
) -> None:
    path = write_box_site(tmp_path)
    secrets = [os.environ[PASSWORD_ENV], (tmp_path / "secrets/rtsp-password").read_text().strip()]
    with box_in_background(path) as (url, _):
        page = context.new_page()
        log_in(page, url, "ines")
        _open_editor(page, url)
        zones_before = page.locator("polygon.zone").count()
        page.focus("[data-action=new-zone]")
        page.keyboard.press("Enter")  # a zone placed from the keyboard
        expect(page.locator("polygon.zone")).to_have_count(zones_before + 1)

        # Leaving asks first; staying keeps the zone on screen.
        dialogs: list[str] = []

        def answer(dialog: Dialog, stay: bool) -> None:
            dialogs.append(dialog.type)
            if stay:
                dialog.dismiss()
            else:
                dialog.accept()

        page.once("dialog", lambda dialog: answer(dialog, stay=True))
        page.click("nav a[href='/versions']", no_wait_after=True)
        expect(page.locator("polygon.zone")).to_have_count(zones_before + 1)
        assert dialogs == ["beforeunload"]

        # Reloaded anyway: the draft is back, and says so.
        page.once("dialog", lambda dialog: answer(dialog, stay=False))
        page.reload()
        expect(page.locator("#draft-note")).to_be_visible()
        expect(page.locator("polygon.zone")).to_have_count(zones_before + 1)
        expect(page.locator("[data-action=apply]")).to_be_disabled()
        shot(page, f"editing-03-draft-restored-{size}", full_page=False)
        stored = page.evaluate("() => JSON.stringify(localStorage)")
        assert f"box-draft:ines:{CAMERA}" in stored
        assert not [secret for secret in secrets if secret in stored], "a secret in the local draft"

        # The session ends (logged out in another tab): Save says so, and nothing is lost.
        other = context.new_page()
        other.goto(f"{url}/cameras")
        other.click("header form button[type=submit]")
        expect(other.locator("#user")).to_be_visible()
        page.click("[data-action=save]")
        expect(page.locator("#status")).to_contain_text("Your session ended")
        expect(page.locator("polygon.zone")).to_have_count(zones_before + 1)
        shot(page, f"editing-04-session-ended-{size}", full_page=False)

        # Logged in again in the other tab: Save here goes through with the new session's token.
        log_in(other, url, "ines")
        page.click("[data-action=save]")
        expect(page.locator("#status")).to_contain_text("Saved as version")
        written = tomllib.loads(path.read_text())["cameras"][0]["zones"]
        assert len(written) == zones_before + 1
        assert page.evaluate("() => localStorage.length") == 0  # saved: the draft is gone
        expect(page.locator("[data-action=apply]")).to_be_enabled()
        other.close()


def test_a_draft_kept_over_a_session_end_comes_back_after_the_login_page_and_is_per_user(
    tmp_path: Path, context: BrowserContext, size: str
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        page = context.new_page()
        # Leaving with unsaved changes asks first (beforeunload), each time: always answered "leave".
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, url, "ines")
        _open_editor(page, url)
        _set_fps(page, "2")
        # The session ends; the page reloaded goes to the login form, and back to the editor after it.
        other = context.new_page()
        other.goto(f"{url}/cameras")
        other.click("header form button[type=submit]")
        other.close()
        page.reload()
        expect(page.locator("#user")).to_be_visible()
        page.fill("#user", "ines")
        page.fill("#password", PASSWORDS["ines"])
        page.click("button[type=submit]")
        expect(page.locator("#camera-fps")).to_have_value("2")
        expect(page.locator("#draft-note")).to_be_visible()
        page.click("[data-action=save]")
        expect(page.locator("#status")).to_contain_text("Saved as version")
        assert _fps_in_file(path) == 2

        # Another user of the same browser never gets ines's drafts.
        _set_fps(page, "3")
        page.click("header form button[type=submit]")
        expect(page.locator("#user")).to_be_visible()  # logged out, on the login form
        log_in(page, url, "ivan")
        _open_editor(page, url)
        expect(page.locator("#camera-fps")).to_have_value("2")
        expect(page.locator("#draft-note")).to_be_hidden()
        assert json.loads(page.evaluate("() => JSON.stringify(Object.keys(localStorage))")) == [
            f"box-draft:ines:{CAMERA}"
        ]


def test_names_typed_as_plain_text_reach_security_center(tmp_path: Path, browser: Browser) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        page = browser.new_page(viewport=SIZES["1366x768"])  # type: ignore[arg-type]
        log_in(page, url, "ines")
        _open_editor(page, url)
        page.select_option("#new-skill-kind", "intrusion")
        page.click("[data-action=add-skill]")
        skill = page.locator("fieldset.skill").last
        key = skill.get_attribute("data-key")
        assert not skill.get_by_text("(JSON)").count(), "a name asked as JSON"
        skill.locator(f"[data-key='{key}.name'] input").fill("Bench watch")
        skill.locator(".alert-toggle").check()
        skill.locator(f"[data-key='{key}.alert.custom_event_id'] input").fill("8123")
        name = skill.locator(f"[data-key='{key}.alert.custom_event_name'] input")
        expect(name).to_have_attribute("type", "text")  # a plain input, not a JSON area
        name.fill("Flânerie au parvis, nuit")
        name.press("Tab")
        shot(page, "editing-05-plain-names")
        # A visit's skill routed from scratch sends its start and its end, with a bookmark.
        page.select_option("#new-skill-kind", "loitering")
        page.click("[data-action=add-skill]")
        page.locator("fieldset.skill").last.locator(".alert-toggle").check()
        page.click("[data-action=save]")
        expect(page.locator("#status")).to_contain_text("Saved as version")

    *_, saved, loitering = tomllib.loads(path.read_text())["cameras"][0]["skills"]
    assert saved["name"] == "Bench watch"
    assert saved["alert"]["custom_event_name"] == "Flânerie au parvis, nuit"
    assert (saved["alert"]["phases"], saved["alert"]["bookmark"]) == (["instant"], True)
    assert (loitering["alert"]["phases"], loitering["alert"]["bookmark"]) == (["start", "end"], True)
    # What the bridge creates in Security Center from the saved file, through the fake Web SDK.
    # In a thread of its own: Playwright's synchronous API holds this thread's event loop.
    with FakeWebSdkProcess() as fake, ThreadPoolExecutor(1) as thread:
        definitions = thread.submit(asyncio.run, _created_custom_events(fake, load_site_config(path))).result(
            60
        )
    assert definitions[8123] == "Flânerie au parvis, nuit"


async def _created_custom_events(fake: FakeWebSdkProcess, site: SiteConfig) -> dict[int, str]:
    client = WebSdkClient(fake.base_url, fake.username, fake.password, timeout=10)
    try:
        await client.ensure_custom_events(custom_event_definitions(site))
        return {definition.id: definition.name for definition in await client.list_custom_events()}
    finally:
        await client.aclose()


def test_a_json_value_that_does_not_parse_keeps_its_error_until_corrected(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        page = browser.new_page(viewport=SIZES["1366x768"])  # type: ignore[arg-type]
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras/00000002-0000-babe-0000-00408ca1eb96")
        location = page.locator("[data-key='skills[0].location']")
        location.locator("textarea").fill("[2.35, ")
        location.locator("textarea").press("Tab")
        expect(location.locator(".field-error")).to_be_visible()
        location.locator("textarea").fill("[2.35, 48.85]")
        location.locator("textarea").press("Tab")
        expect(location.locator(".field-error")).to_have_count(0)
        expect(page.locator("[data-action=apply]")).to_be_disabled()  # a real change, not yet saved


def test_a_draft_started_before_someone_else_s_save_comes_back_beside_theirs(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        mine_context = browser.new_context(viewport=SIZES["1366x768"])  # type: ignore[arg-type]
        theirs_context = browser.new_context(viewport=SIZES["1366x768"])  # type: ignore[arg-type]
        mine, theirs = mine_context.new_page(), theirs_context.new_page()
        log_in(mine, url, "ines")
        _open_editor(mine, url)
        _set_fps(mine, "2")  # kept as a draft, not saved
        log_in(theirs, url, "ivan")
        _open_editor(theirs, url)
        _set_fps(theirs, "4")
        theirs.click("[data-action=save]")
        expect(theirs.locator("#status")).to_contain_text("Saved as version")

        mine.once("dialog", lambda dialog: dialog.accept())
        mine.reload()
        expect(mine.locator("#camera-fps")).to_have_value("2")
        expect(mine.locator("#conflict")).to_contain_text("fps: 4 -> 2")
        expect(mine.locator("[data-action=apply]")).to_be_disabled()
        mine.click("[data-action=keep-mine]")
        mine.click("[data-action=save]")
        expect(mine.locator("#status")).to_contain_text("Saved as version")
        assert _fps_in_file(path) == 2
        mine_context.close()
        theirs_context.close()
