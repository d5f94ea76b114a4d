"""Camera groups and search, the review queue's skip and undo, and "Send a test event", in real
headless Chromium at 1366x768 and 1920x1080, asserting what the user sees:

- a 90-camera site in 9 groups: the cameras page lists them under their group's heading and the search
  box narrows the list as the user types (by name, alias, group, skill, skill kind), with no request;
  the editor's camera selector has the same groups;
- the review queue with the keyboard: `s` skips without a verdict, `u` and Ctrl+Z take the last verdict
  back (out of the trust store: the figures on the page and in the store follow);
- the health page's test event through the real outbox and delivery to the fake Web SDK on a real
  socket: delivered (the custom event, marked as a test in its message and payload, received), then
  refused with a 400 whose answer the page shows in words.
Screenshots under var/test-artifacts/box/ (groups-*, review-undo-*, test-event-*)."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess
from tests.support.review_alerts import admit_alerts
from tests.support.site_config_files import edited

pytestmark = pytest.mark.integration

SIZES = [ViewportSize(width=1366, height=768), ViewportSize(width=1920, height=1080)]
GROUPS = [f"Area {letter}" for letter in "ABCDEFGHI"]
FIRST_CAMERA = 'name = "Parvis Saint-Michel"\n'


def _ninety_cameras(path: Path) -> None:
    """The example's two cameras put in groups, and 88 more (counting skills on one in ten)."""
    text = edited(path.read_text(), FIRST_CAMERA, FIRST_CAMERA + 'group = "Area A"\n')
    extra = []
    for index in range(88):
        skills = (
            '\n[[cameras.lines]]\nname = "Gate"\npoints = [[0.1, 0.5], [0.9, 0.5]]\n'
            '[[cameras.skills]]\nkind = "counting"\nline = "Gate"\n'
            if index % 10 == 0
            else ""
        )
        extra.append(
            f'\n[[cameras]]\nid = "10000000-0000-0000-0000-{index:012d}"\nname = "Street {index:02d}"\n'
            f'group = "{GROUPS[index % len(GROUPS)]}"\nfps = 1\n{skills}'
        )
    # The extra cameras go after the example's last camera, before any other table.
    path.write_text(text + "".join(extra))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_ninety_cameras_under_their_groups_and_a_search_that_narrows_them_in_the_page(
    tmp_path: Path, browser: Browser, size: ViewportSize
) -> None:
    path = write_box_site(tmp_path)
    _ninety_cameras(path)
    with box_in_background(path) as (url, _bridge):
        page = browser.new_page(viewport=size)
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras")
        rows = page.locator("#cameras tr[data-camera]")
        expect(rows).to_have_count(90)
        headings = page.locator("#cameras tr.group-heading th")
        expect(headings).to_have_count(len(GROUPS) + 1)
        expect(headings.first).to_contain_text("Area A (11)")
        expect(headings.last).to_contain_text("Without a group (1)")
        expect(page.locator("tbody[data-group='Area C'] tr[data-camera]")).to_have_count(10)
        shot(page, f"groups-01-cameras-{size['width']}")

        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        search = page.locator("#camera-search")
        search.fill("area c")
        expect(page.locator("#cameras tr[data-camera]:visible")).to_have_count(10)
        expect(page.locator("#cameras tr.group-heading:visible")).to_have_count(1)
        expect(page.locator("#camera-search-count")).to_have_text("10 of 90 cameras")
        search.fill("street 42")
        expect(page.locator("#cameras tr[data-camera]:visible")).to_have_count(1)
        expect(page.locator("#cameras tr[data-camera]:visible")).to_contain_text("Street 42")
        search.fill("counting")  # a skill kind: nine of the added cameras and the example's second
        expect(page.locator("#cameras tr[data-camera]:visible")).to_have_count(10)
        search.fill("porch at night")  # the example's first camera's skill
        expect(page.locator("#cameras tr[data-camera]:visible")).to_have_count(1)
        expect(page.locator("#cameras tr[data-camera]:visible")).to_contain_text("Parvis Saint-Michel")
        search.fill("no such camera")
        expect(page.locator("#cameras tr[data-camera]:visible")).to_have_count(0)
        expect(page.locator("#camera-search-none")).to_be_visible()
        shot(page, f"groups-02-search-none-{size['width']}")
        search.press("Escape")
        expect(page.locator("#cameras tr[data-camera]:visible")).to_have_count(90)
        assert [r for r in requests if "/cameras" in r or ("/api/" in r and "/api/health" not in r)] == []

        # The editor's selector: the same groups, and choosing a camera opens it.
        page.goto(f"{url}/cameras/{CAMERA_GUIDS[0]}")
        groups = page.locator("#camera-switch optgroup")
        expect(groups).to_have_count(len(GROUPS) + 1)
        expect(groups.first).to_have_attribute("label", "Area A")
        expect(page.locator("#camera-switch option")).to_have_count(90)
        page.select_option("#camera-switch", label="Street 42")
        page.locator("form.camera-switch button").click()
        expect(page.locator("h1").first).to_contain_text("Street 42")
        shot(page, f"groups-03-editor-selector-{size['width']}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_a_reviewer_skips_and_undoes_with_the_keyboard_and_the_store_follows(
    tmp_path: Path, browser: Browser, size: ViewportSize
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, bridge):
        oldest, middle, newest = admit_alerts(bridge.trust, 3)
        page = browser.new_page(viewport=size)
        log_in(page, url, "rita")
        page.goto(f"{url}/review")
        current = page.locator("article.current")
        row = page.locator("#figures tr[data-figures$='/Porch at night']")
        expect(current).to_have_attribute("data-event", newest.id)
        expect(page.locator("#keys")).to_contain_text("skip")
        expect(page.locator("#keys")).to_contain_text("undo the last verdict")

        page.keyboard.press("s")  # skipped: no verdict, shown again after the others
        expect(current).to_have_attribute("data-event", middle.id)
        assert bridge.trust.review_item(newest.id).verdict is None  # type: ignore[union-attr]
        expect(page.locator("#remaining")).to_have_text("3")

        page.keyboard.press("t")
        expect(current).to_have_attribute("data-event", oldest.id)
        expect(row.locator("[data-field=verdicts]")).to_have_text("1 / 0 / 0")
        page.keyboard.press("u")
        expect(current).to_have_attribute("data-event", middle.id)
        expect(page.locator("#status")).to_have_text("Verdict taken back: the alert is shown again.")
        expect(row.locator("[data-field=verdicts]")).to_have_text("0 / 0 / 0")
        assert bridge.trust.review_item(middle.id).verdict is None  # type: ignore[union-attr]
        shot(page, f"review-undo-01-{size['width']}")

        page.keyboard.press("c")
        expect(row.locator("[data-field=verdicts]")).to_have_text("0 / 0 / 1")
        page.keyboard.press("Control+z")
        expect(current).to_have_attribute("data-event", middle.id)
        expect(row.locator("[data-field=verdicts]")).to_have_text("0 / 0 / 0")
        page.keyboard.press("Control+z")
        expect(page.locator("#status")).to_have_text("No verdict to undo.")

        # Through the queue: the skipped alert comes round again.
        for left in ("2", "1", "0"):
            page.keyboard.press("t")
            expect(page.locator("#remaining")).to_have_text(left)
        expect(page.locator("#queue-empty")).to_be_visible()
        assert {e.id for e in (oldest, middle, newest) if bridge.trust.review_item(e.id).verdict} == {  # type: ignore[union-attr]
            oldest.id,
            middle.id,
            newest.id,
        }
        # Undo after the queue emptied brings the last alert back.
        page.locator("#undo").click()
        expect(page.locator("article.alert")).to_have_count(1)
        expect(row.locator("[data-field=verdicts]")).to_have_text("2 / 0 / 0")
        actions = [e.action for e in AuditTrail(tmp_path / "box/audit.jsonl").entries()]
        assert actions.count("alert.verdict_taken_back") == 3


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_send_a_test_event_delivered_then_refused_with_security_centers_answer_in_words(
    tmp_path: Path, browser: Browser, size: ViewportSize
) -> None:
    path = write_box_site(tmp_path)
    with FakeWebSdkProcess() as fake:
        websdk = WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5)
        with box_in_background(path, websdk) as (url, _bridge):
            viewer = browser.new_page(viewport=size)
            log_in(viewer, url, "victor")
            viewer.goto(f"{url}/health")
            expect(viewer.locator("#test-event")).to_have_count(0)  # integrators only

            page = browser.new_page(viewport=size)
            log_in(page, url, "ines")
            page.goto(f"{url}/health")
            page.select_option("#test-event-camera", CAMERA_GUIDS[0])
            page.locator("#test-event-form button").click()
            outcome = page.locator("#test-event-outcome")
            expect(outcome).to_have_attribute("data-outcome", "delivered", timeout=30_000)
            expect(outcome).to_contain_text("Delivered: Security Center accepted test event test-")
            shot(page, f"test-event-01-delivered-{size['width']}")
            [raised] = fake.raised_custom_events()
            assert raised["source"] == CAMERA_GUIDS[0]
            assert raised["message"].startswith("TEST from the analytics bridge, not an alert")
            payload = json.loads(raised["payload"])
            assert payload["test"] is True and payload["requested_by"] == "ines"
            created = [r for r in fake.received() if r.get("op") == "CustomEvents.Add"]
            assert [r["name"] for r in created] == ["Analytics bridge test"]

            # Security Center answers 400: the page says refused, with the answer, in words.
            fake.set_failures(refuse_next=-1, refuse_matching="RaiseCustomEvent", refuse_status=400)
            page.locator("#test-event-form button").click()
            expect(outcome).to_have_attribute("data-outcome", "refused", timeout=30_000)
            expect(outcome).to_contain_text("Refused by Security Center")
            expect(outcome).to_contain_text("HTTP 400")
            assert fake.password not in (outcome.text_content() or "")
            shot(page, f"test-event-02-refused-{size['width']}")
            # After the retries, parked, said as much.
            expect(outcome).to_have_attribute("data-outcome", "parked", timeout=30_000)
            expect(outcome).to_contain_text("Parked, not delivered")
            assert len(fake.raised_custom_events()) == 1
            entries = [
                e
                for e in AuditTrail(tmp_path / "box/audit.jsonl").entries()
                if e.action == "delivery.test_event"
            ]
            assert [(e.actor, e.subject) for e in entries] == [("ines", CAMERA_GUIDS[0])] * 2
