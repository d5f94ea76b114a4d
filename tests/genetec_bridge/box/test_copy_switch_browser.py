"""Switching off and copying in the editor, in real headless Chromium at 1366×768 and 1920×1080: a skill
switched off, saved and applied raises nothing where it raised before (the replay of the camera's tracks
in the page, then the daemon's own skill engine and the bridge's routing on what was applied); a zone
switched off greys it and the skill using it, and survives a reload; a zone and a skill copied to
another camera are on that camera's editor, after a reload too, the skill in shadow there.
The box runs on the example site file in front of a stand-in bridge that records what is applied.
Screenshots under var/test-artifacts/box/ (copy-switch-*)."""

import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from analytics.frame_tracks import FrameTracks
from analytics.skills.engine import SkillEngine
from genetec_bridge.app import alert_routing
from genetec_bridge.config.site import load_site_config
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.synthetic_tracks import frames, run_engine, still

pytestmark = pytest.mark.integration

A = "00000001-0000-babe-0000-00408ca1eb95"
B = "00000002-0000-babe-0000-00408ca1eb96"
FOUNTAIN = "intrusion:Fountain"
SIZES = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=SIZES[request.param])  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def _size(page: Page) -> str:
    viewport = page.viewport_size or {"width": 0, "height": 0}
    return f"{viewport['width']}x{viewport['height']}"


def _open_editor(page: Page, url: str, camera: str) -> None:
    page.goto(f"{url}/cameras/{camera}")
    expect(page.locator("#shape-list li").first).to_be_visible()
    expect(page.locator("#snapshot-note")).to_contain_text("No snapshot from the Media Gateway")


def _save(page: Page) -> None:
    page.click("[data-action=save]")
    expect(page.locator("#status")).to_contain_text("Saved as version")


def _someone_at_the_fountain() -> list[FrameTracks]:
    """Twenty seconds of a person standing in the Fountain zone at noon (the nights schedule is closed)."""
    return frames(still(7, (0.7, 0.7), 1.0, 15.0), until=20, start=datetime(2026, 5, 4, 12, 0, tzinfo=UTC))


def test_a_skill_switched_off_and_applied_no_longer_raises(tmp_path: Path, page: Page) -> None:
    path = write_box_site(tmp_path)
    scene = _someone_at_the_fountain()
    with box_in_background(path) as (url, bridge):
        bridge.tracks[A] = scene
        log_in(page, url, "ines")
        _open_editor(page, url, A)
        fountain = page.locator("fieldset.skill").nth(1)
        expect(fountain.locator("legend")).to_contain_text("intrusion – Fountain")
        page.click("[data-action=replay]")
        expect(page.locator("#replay-summary")).to_contain_text("1 event(s) the draft would have raised")

        fountain.locator("legend .enabled-toggle").uncheck()
        expect(fountain).to_have_class("skill off")
        expect(fountain.locator(".off-note")).to_have_text("Switched off: kept in the file, not analysed.")
        page.click("[data-action=replay]")
        expect(page.locator("#replay-summary")).to_contain_text("0 event(s) the draft would have raised")
        _save(page)
        page.click("[data-action=apply]")
        expect(page.locator("#status")).to_contain_text("camera(s) reconfigured")
        shot(page, f"copy-switch-01-skill-off-{_size(page)}", full_page=False)
        applied = bridge.site

    assert bridge.applied == [[A]]
    before = load_site_config(write_box_site(tmp_path / "before"))
    # The daemon's skill engine on the camera as applied: the alert of before is not raised any more.
    assert [e.skill for e in run_engine(SkillEngine(before.camera(A), before.schedules), scene)] == [FOUNTAIN]
    assert run_engine(SkillEngine(applied.camera(A), applied.schedules), scene) == []
    # The bridge no longer routes it either, and the skill is still in the file, switched off.
    assert (A, FOUNTAIN) in alert_routing(before) and (A, FOUNTAIN) not in alert_routing(applied)
    assert tomllib.loads(path.read_text())["cameras"][0]["skills"][1]["enabled"] is False


def test_a_zone_switched_off_greys_it_and_its_skill_and_stays_off_after_a_reload(
    tmp_path: Path, page: Page
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        log_in(page, url, "ines")
        _open_editor(page, url, A)
        porch = page.locator("#shape-list li").first
        expect(porch.locator("input.shape-name")).to_have_value("Porch")
        porch.locator(".enabled-toggle").uncheck()
        expect(porch).to_have_class("field off")
        expect(page.locator("polygon.zone.off")).to_have_count(1)
        night = page.locator("fieldset.skill").first
        expect(night.locator(".off-note")).to_have_text("Off: its zone 'Porch' is switched off.")
        expect(night.locator("legend .enabled-toggle")).to_be_checked()  # its own switch is untouched
        shot(page, f"copy-switch-02-zone-off-{_size(page)}", full_page=False)
        _save(page)
        page.reload()
        expect(page.locator("polygon.zone.off")).to_have_count(1)
        expect(porch.locator(".enabled-toggle")).not_to_be_checked()
        expect(page.locator("fieldset.skill.off")).to_have_count(1)
    saved = load_site_config(path).camera(A)
    assert [z.name for z in saved.zones if not z.enabled] == ["Porch"]
    assert "Porch at night" not in {s.label for s in saved.running_skills()}


def test_a_zone_and_a_skill_copied_are_on_the_other_camera_s_editor(tmp_path: Path, page: Page) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _):
        log_in(page, url, "ines")
        _open_editor(page, url, A)
        copy = page.locator("#copy")
        copy.get_by_label("Zone Porch").check()
        copy.get_by_label("intrusion – Fountain").check()
        copy.get_by_label("Carrefour Jean-Jaures").check()
        copy.locator("[data-action=copy-preview]").click()
        preview = page.locator(".copy-target")
        expect(preview).to_contain_text("zones: added Porch")
        expect(preview).to_contain_text(f"skills: added {FOUNTAIN}")
        expect(preview).to_contain_text(
            f"Starts in shadow there (the live decision was this camera's): {FOUNTAIN}"
        )
        expect(preview.locator(".copy-size")).to_contain_text("Picture size unknown")
        copy.locator("[data-action=copy]").scroll_into_view_if_needed()
        shot(page, f"copy-switch-03-copy-preview-{_size(page)}", full_page=False)
        copy.locator("[data-action=copy]").click()
        expect(page.locator("#status")).to_contain_text("Copied to 1 camera(s) as version")

        _open_editor(page, url, B)
        names = page.locator("#shape-list input.shape-name")
        expect(names).to_have_count(5)
        for _ in range(2):
            assert [names.nth(i).input_value() for i in range(5)] == [
                "Bike lane",
                "Porch",
                "Fountain",
                "Stop line",
                "Northbound count",
            ]
            expect(page.locator("fieldset.skill legend", has_text="intrusion – Fountain")).to_have_count(1)
            expect(page.locator("polygon.zone")).to_have_count(3)
            page.reload()
            expect(names).to_have_count(5)
        shot(page, f"copy-switch-04-copied-{_size(page)}", full_page=False)

    b = load_site_config(path).camera(B)
    (copied,) = [s for s in b.skills if s.label == FOUNTAIN]
    assert copied.alert is not None and copied.alert.mode == "shadow" and copied.alert.live_decided_by is None
