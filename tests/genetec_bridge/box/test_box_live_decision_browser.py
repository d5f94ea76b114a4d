"""One path to live, in real headless Chromium: a skill the editor saves as `mode = "live"` without a
name and a reason goes into shadow at Apply, and the review page says that the site file asks for
live; only the integrator's promotion there, with a written reason, makes it live (audited with the
account's name). A skill saved as live with the editor's "live decided by" and "why" fields is live
at Apply, audited with that name and reason. The box runs on the example site file in front of a
stand-in bridge whose apply hands the skills to the real trust service, as the bridge does.
Screenshots under var/test-artifacts/box/ (live-*)."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from genetec_bridge.audit.trail import AuditTrail
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.fake_websdk_process import CAMERA_GUIDS

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
UNDECIDED = "intrusion:Porch"
DECIDED = "loitering:Delivery bay"
REASON = "night closure of the porch, the operators asked for it"


def _live_skill(page: Page, kind: str, zone: str) -> Locator:
    """A new skill with an alert, its first mode set to live in the editor."""
    page.select_option("#new-skill-kind", kind)
    page.click("[data-action=add-skill]")
    skill = page.locator("fieldset.skill").last
    skill.locator("[data-key$='.zone'] select").select_option(zone)
    skill.locator(".alert-toggle").check()
    skill.locator("[data-key$='.alert.mode'] select").select_option("live")
    return skill


def _fill(skill: Locator, key: str, value: str) -> None:
    field = skill.locator(f"[data-key$='.alert.{key}'] input")
    field.fill(value)
    field.press("Tab")


def _save_and_apply(page: Page) -> None:
    page.click("[data-action=save]")
    expect(page.locator("#status")).to_contain_text("Saved as version")
    page.click("[data-action=apply]")
    expect(page.locator("#status")).to_contain_text("camera(s) reconfigured")


def test_the_editor_cannot_make_a_skill_live_without_a_name_and_a_reason(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, bridge):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras/{CAMERA}")
        _live_skill(page, "intrusion", "Porch")
        _save_and_apply(page)
        assert bridge.trust.mode(CAMERA, UNDECIDED).mode == "shadow"

        # The review page says what the file asks for, and offers the only way there.
        page.goto(f"{url}/review")
        row = page.locator(f"#figures tr[data-figures='{CAMERA}/{UNDECIDED}']")
        expect(row.locator("[data-field=mode]")).to_have_text("shadow")
        expect(row.locator("[data-field=asks-live]")).to_contain_text("The site file asks for live")
        shot(page, "live-01-asks-for-live")
        row.locator("textarea[name=reason]").fill(REASON)
        row.locator("button[type=submit]").click()
        row = page.locator(f"#figures tr[data-figures='{CAMERA}/{UNDECIDED}']")
        expect(row.locator("[data-field=mode]")).to_have_text("live")
        expect(row.locator("[data-field=asks-live]")).to_have_count(0)
        assert bridge.trust.mode(CAMERA, UNDECIDED).mode == "live"

        # Saved as live with the editor's name and reason: live at Apply, by that decision.
        page.goto(f"{url}/cameras/{CAMERA}")
        skill = _live_skill(page, "loitering", "Delivery bay")
        _fill(skill, "live_decided_by", "Ines Martin")
        _fill(skill, "live_reason", "the delivery bay is closed to the public")
        shot(page, "live-02-editor-named-decision")
        _save_and_apply(page)
        state = bridge.trust.mode(CAMERA, DECIDED)
        assert (state.mode, state.changed_by) == ("live", "Ines Martin")

    # The example's own live skill (decided in the file) is audited too: only the new ones are looked at.
    subjects = {f"{CAMERA}/{UNDECIDED}", f"{CAMERA}/{DECIDED}"}
    entries = [e for e in AuditTrail(tmp_path / "box/audit.jsonl").entries() if e.subject in subjects]
    assert [(e.actor, e.action, e.subject, e.details.get("reason")) for e in entries] == [
        ("config", "skill.live_requested", f"{CAMERA}/{UNDECIDED}", None),
        ("ines", "skill.promote_without_gate", f"{CAMERA}/{UNDECIDED}", REASON),
        (
            "Ines Martin",
            "skill.live_from_config",
            f"{CAMERA}/{DECIDED}",
            "the delivery bay is closed to the public",
        ),
    ]
