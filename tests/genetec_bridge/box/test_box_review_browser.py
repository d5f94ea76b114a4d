"""The review queue in real headless Chromium, with the keyboard only: a reviewer judges three shadow
alerts (`t`, `f` then `2`, `c`), each shown with its track drawn over a fresh snapshot of its camera
from the Media Gateway (RTSP test server); the verdicts are stored by the trust service and the
figures on the page follow. A lighter fixture than the whole chain: the box on the example site
file in front of a stand-in bridge whose trust store is filled through `TrustService.admit`.
Screenshots under var/test-artifacts/box/ (review-*, privacy-*)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from analytics.evaluation.rates import false_alert_rate
from genetec_bridge.trust.verdicts import FalseReason, Verdict
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.fake_websdk_process import CAMERA_GUIDS
from tests.support.review_alerts import admit_alerts
from tests.support.rtsp_server_process import PETS, PETS_FPS, start_rtsp_server
from tests.support.site_config_files import edited

pytestmark = pytest.mark.integration

EXAMPLE_GATEWAY = 'host = "sc-media.city.local"\nport = 654'


def _snapshot_shown(page: Page) -> None:
    # Polled, not wait_for_function: its string predicate is an eval, which the box's CSP refuses.
    expect(page.locator("article.current img.snapshot")).to_have_attribute(
        "src", f"/cameras/{CAMERA_GUIDS[0]}/snapshot.jpg"
    )
    for _ in range(150):
        if (
            page.locator("article.current img.snapshot").evaluate("img => img.complete && img.naturalWidth")
            > 0
        ):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the camera's snapshot was not shown within 30 s")


def test_a_reviewer_judges_alerts_with_the_keyboard_only_and_the_figures_follow(
    shared_asset: Callable[[str], Path], tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    rtsp_password = (tmp_path / "secrets/rtsp-password").read_text().strip()
    with start_rtsp_server(
        shared_asset(PETS), [CAMERA_GUIDS[0]], fps=PETS_FPS, user="analytics-rtsp", password=rtsp_password
    ) as rtsp:
        path.write_text(edited(path.read_text(), EXAMPLE_GATEWAY, f'host = "127.0.0.1"\nport = {rtsp.port}'))
        with box_in_background(path) as (url, bridge):
            oldest, middle, newest = admit_alerts(bridge.trust, 3)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            log_in(page, url, "rita")
            page.goto(f"{url}/review")

            # Newest first, with its evidence and where to find it in Security Desk.
            current = page.locator("article.current")
            expect(current).to_have_attribute("data-event", newest.id)
            expect(page.locator("#remaining")).to_have_text("3")
            expect(current.locator("polyline.track-path")).to_have_count(1)
            expect(current).to_contain_text("Porch")
            expect(current).to_contain_text("person")
            expect(current).to_contain_text("23.4 s")
            expect(current.locator(".desk")).to_contain_text("Parvis Saint-Michel")
            expect(current.locator(".desk")).to_contain_text("Shadow, review only")
            _snapshot_shown(page)
            shot(page, "review-01-queue")

            # The keyboard alone: t, then f and the reason key 2, then c.
            page.keyboard.press("t")
            expect(current).to_have_attribute("data-event", middle.id)
            page.keyboard.press("f")
            expect(page.locator("#reason-prompt")).to_be_visible()
            shot(page, "review-02-reason")
            page.keyboard.press("2")
            expect(current).to_have_attribute("data-event", oldest.id)
            page.keyboard.press("c")
            expect(page.locator("#queue-empty")).to_be_visible()
            expect(page.locator("article.alert")).to_have_count(0)

            verdicts = {
                e.id: bridge.trust.review_item(e.id).verdict  # type: ignore[union-attr]
                for e in (oldest, middle, newest)
            }
            assert {k: (v.verdict, v.reason, v.reviewer) for k, v in verdicts.items() if v} == {
                newest.id: (Verdict.TRUE, None, "rita"),
                middle.id: (Verdict.FALSE, FalseReason.ZONE_EDGE_JITTER, "rita"),
                oldest.id: (Verdict.CANNOT_TELL, None, "rita"),
            }

            # The figures on the page, as the interval function gives them for 1 false of 2 judged.
            expected = false_alert_rate(1, 2)
            row = page.locator(f"#figures tr[data-figures='{CAMERA_GUIDS[0]}/Porch at night']")
            expect(row.locator("[data-field=alerts]")).to_have_text("3")
            expect(row.locator("[data-field=verdicts]")).to_have_text("1 / 1 / 1")
            expect(row.locator("[data-field=rate]")).to_have_text("50.0%")
            expect(row.locator("[data-field=upper]")).to_have_text(f"{expected.exact_upper:.1%}")
            expect(row.locator("[data-field=wilson]")).to_have_text(
                f"{expected.wilson_low:.1%} – {expected.wilson_high:.1%}"
            )
            # A reviewer sees the gate, not the promotion form (integrators only); the page reloaded agrees.
            expect(row.locator("form")).to_have_count(0)
            page.reload()
            expect(row.locator("[data-field=verdicts]")).to_have_text("1 / 1 / 1")
            shot(page, "review-03-done")

            # An integrator gets the promotion form, which asks for a reason while the gate is closed.
            integrator = browser.new_page(viewport={"width": 1280, "height": 900})
            log_in(integrator, url, "ines")
            integrator.goto(f"{url}/lang/fr")
            integrator.goto(f"{url}/review")
            form = integrator.locator(f"#figures tr[data-figures='{CAMERA_GUIDS[0]}/Porch at night'] form")
            expect(form.locator("textarea[name=reason]")).to_have_attribute("required", "")
            expect(form.locator("button")).to_have_text("Mettre en service malgré tout")
            shot(integrator, "review-04-integrator-fr")
            integrator.goto(f"{url}/privacy")
            integrator.locator("#documents a").first.click()
            expect(integrator.locator("h1").first).to_be_visible()
            # The document's own style sheet applies (allowed by its hash), nothing loaded from elsewhere.
            header = integrator.locator("th").first.evaluate("cell => getComputedStyle(cell).backgroundColor")
            assert header == "rgb(238, 238, 238)"
            shot(integrator, "privacy-01-register-fr")
