"""The box in French and its confirmations, in real headless Chromium at 1366×768: every page walked in
French shows none of the English words of the box's own table (genetec_bridge.box.i18n), the header
keeps to one line, the review keys are the French ones (and the English ones still work), numbers are
written the French way; deleting a zone that skills use asks first and names them; the diff is not
double-spaced. Against the box on a copy of the example site, in front of a stand-in bridge."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.box.i18n import MESSAGES
from genetec_bridge.config.site import load_site_config
from genetec_bridge.trust.verdicts import Verdict
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.review_alerts import admit_alerts

pytestmark = pytest.mark.integration

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
VIEWPORT = {"width": 1366, "height": 768}
# A long account name: the header must keep to one line with it too.
LONG_NAME, LONG_PASSWORD = "commissioning-integrator-2", "a-long-enough-password-for-the-header"
# Names that are the same in every language.
PROPER_NAMES = ("Security Center", "Security Desk", "Media Gateway", "NGSI-LD", "DATEX II", "Cerema", "CSV")
# Visible words plus the words a person reads without them being text: placeholders, labels, options.
# Left out: what the box shows as written elsewhere (the file's text in a diff, a GUID or an error of
# Security Center in `code`, the audit trail's records) and tooltips (the fields' help, French by
# test_config_french.py).
PAGE_WORDS = """() => {
  let text = document.body.innerText;
  for (const quoted of document.querySelectorAll("pre, code, #audit tbody")) {
    text = text.split(quoted.innerText).join(" ");
  }
  const seen = [text];
  for (const element of document.querySelectorAll("[placeholder], [aria-label], [alt], option")) {
    for (const name of ["placeholder", "aria-label", "alt"]) {
      if (element.getAttribute(name)) seen.push(element.getAttribute(name));
    }
    if (element.tagName === "OPTION") seen.push(element.textContent);
  }
  return seen.join("\\n");
}"""


def english_phrases() -> list[str]:
    """The literal parts of every English string of the table that French says otherwise."""
    phrases = set()
    for texts in MESSAGES.values():
        if texts["en"] == texts["fr"]:
            continue
        for part in re.split(r"\{[^}]*\}", texts["en"]):
            part = part.strip(" .:;,()·–")
            for name in PROPER_NAMES:
                part = part.replace(name, "").strip(" .:;,()·–")
            if len(re.findall(r"[A-Za-z]", part)) >= 3 and part not in texts["fr"]:
                phrases.add(part)
    return sorted(phrases)


def english_left(text: str) -> list[str]:
    """English phrases in `text`; one glued to a key or identifier (`counting:Northbound`) is the file's."""
    return [
        phrase
        for phrase in english_phrases()
        if re.search(r"(?<![\w:_./-])" + re.escape(phrase) + r"(?![\w:_./-])", text)
    ]


def _in_french(page: Page, url: str) -> None:
    page.goto(f"{url}/lang/fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def _save_fps(page: Page, url: str, fps: int) -> None:
    """A save through the API with the page's session (a version to show)."""
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    draft = page.request.get(f"{url}/api/cameras/{CAMERA}").json()
    draft["camera"]["fps"] = fps
    answer = page.request.post(
        f"{url}/api/cameras/{CAMERA}", data=draft, headers={"X-CSRF-Token": csrf or ""}
    )
    assert answer.status == 200, answer.text()


def test_the_phrase_list_catches_english(tmp_path: Path) -> None:
    """The walk below is only as good as its list: it finds the table's English, not the French."""
    assert "Roll back to this version" in english_left("Roll back to this version")
    assert english_left("Caméras · État · Revenir à cette version") == []
    assert english_left("counting:Northbound count") == []


def test_every_page_in_french_shows_no_english_word_of_the_box(tmp_path: Path, browser: Browser) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, bridge):
        admit_alerts(bridge.trust, 2)
        page = browser.new_page(viewport=VIEWPORT)
        _in_french(page, url)
        page.goto(f"{url}/login")
        left = {"/login": english_left(page.evaluate(PAGE_WORDS))}
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras")
        _save_fps(page, url, 3)
        pages = [
            "/cameras",
            "/health",
            "/traffic",
            "/versions",
            "/versions/2",
            "/review",
            "/audit",
            "/privacy",
            f"/cameras/{CAMERA}",
            "/nowhere",
        ]
        for address in pages:
            page.goto(f"{url}{address}")
            if address == f"/cameras/{CAMERA}":
                expect(page.locator("#skills fieldset.skill")).to_have_count(
                    3
                )  # the script has drawn the forms
            left[address] = english_left(page.evaluate(PAGE_WORDS))
        page.goto(f"{url}/versions/1")
        page.click("form[action='/versions/1/rollback'] button")
        expect(page.locator("#confirm-explained")).to_be_visible()
        left["rollback confirmation"] = english_left(page.evaluate(PAGE_WORDS))
        shot(page, "french-rollback-confirmation")
        found = {where: found for where, found in left.items() if found}
        assert found == {}


def test_the_header_keeps_to_one_line_in_french_at_1366(tmp_path: Path, browser: Browser) -> None:
    path = write_box_site(tmp_path)
    AccountStore(load_site_config(path).box.accounts_path).add(LONG_NAME, Role.INTEGRATOR, LONG_PASSWORD)
    with box_in_background(path) as (url, _):
        page = browser.new_page(viewport=VIEWPORT)
        _in_french(page, url)
        page.goto(f"{url}/login")
        page.fill("#user", LONG_NAME)
        page.fill("#password", LONG_PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator(".who")).to_have_attribute("title", re.compile(LONG_NAME))
        for address in ("/cameras", "/review"):
            page.goto(f"{url}{address}")
            boxes = page.locator("header.top > *:not(.skip), header.top nav a").evaluate_all(
                "items => items.map((i) => i.getBoundingClientRect()).filter((r) => r.width * r.height > 0)"
                ".map((r) => [r.top, r.bottom])"
            )
            # One line: every item spans the middle of the tallest one.
            middle = max((bottom + top) / 2 for top, bottom in boxes)
            assert all(top <= middle <= bottom for top, bottom in boxes), boxes
        shot(page, "french-header-1366", full_page=False)


def test_review_keys_are_french_and_english_ones_still_work(tmp_path: Path, browser: Browser) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, bridge):
        first, second, third = admit_alerts(bridge.trust, 3)
        page = browser.new_page(viewport=VIEWPORT)
        _in_french(page, url)
        log_in(page, url, "rita")
        page.goto(f"{url}/review")
        expect(page.locator("#keys kbd")).to_have_text(["v", "f", "?", "s", "u", "Ctrl+Z"])  # skip, undo
        expect(page.locator("article.current [data-verdict] kbd")).to_have_text(["v", "f", "?"])
        expect(page.locator("article.current")).to_contain_text("personne")  # the class, in French
        expect(page.locator("article.current")).to_contain_text("23,4 s")  # the dwell, decimal comma
        expect(page.locator("#remaining")).to_have_text("3")
        for left, key in zip(("2", "1", "0"), ("v", "?", "t"), strict=True):  # French, French, English
            page.keyboard.press(key)
            expect(page.locator("#remaining")).to_have_text(left)
        expect(page.locator("#queue-empty")).to_be_visible()
        verdicts = [bridge.trust.review_item(e.id).verdict for e in (third, second, first)]  # type: ignore[union-attr]
        assert [v.verdict for v in verdicts if v] == [Verdict.TRUE, Verdict.CANNOT_TELL, Verdict.TRUE]
        row = page.locator("#figures tr").nth(1)
        expect(row.locator("[data-field=rate]")).to_have_text("0,0\u202f%")


def test_deleting_a_zone_skills_use_asks_first_and_names_them(tmp_path: Path, browser: Browser) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, _):
        page = browser.new_page(viewport=VIEWPORT)
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras/{CAMERA}")
        skills = page.locator("#skills fieldset.skill")
        zones = page.locator("#shape-list li[data-key^='zones']")
        expect(skills).to_have_count(3)
        asked: list[str] = []

        def answer(accept: bool) -> None:
            def on_dialog(dialog: Dialog) -> None:
                asked.append(dialog.message)
                dialog.accept() if accept else dialog.dismiss()

            page.once("dialog", on_dialog)

        page.locator("#shape-list li[data-key='zones[0].polygon'] button.swatch").click()
        answer(accept=False)
        page.click("[data-action=delete-shape]")
        expect(zones).to_have_count(3)
        expect(skills).to_have_count(3)
        assert len(asked) == 1 and "Porch" in asked[0] and "Porch at night" in asked[0]

        answer(accept=True)
        page.click("[data-action=delete-shape]")
        expect(zones).to_have_count(2)
        expect(skills).to_have_count(2)
        expect(page.locator("#skills")).not_to_contain_text("Porch")
        page.click("[data-action=undo]")  # one Undo brings both back
        expect(zones).to_have_count(3)
        expect(skills).to_have_count(3)

        assert len(asked) == 2


def test_the_diff_is_single_spaced(tmp_path: Path, browser: Browser) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, _):
        page = browser.new_page(viewport=VIEWPORT)
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras")
        _save_fps(page, url, 3)
        page.goto(f"{url}/versions/2")
        lines = page.locator("#diff").evaluate("pre => pre.textContent.split('\\n').filter(Boolean).length")
        line_height = page.locator("#diff ins").first.evaluate("e => e.getBoundingClientRect().height")
        content = page.locator("#diff").evaluate(
            "pre => pre.clientHeight - parseFloat(getComputedStyle(pre).paddingTop)"
            " - parseFloat(getComputedStyle(pre).paddingBottom)"
        )
        assert lines >= 5 and content <= (lines + 1) * line_height, (lines, line_height, content)
