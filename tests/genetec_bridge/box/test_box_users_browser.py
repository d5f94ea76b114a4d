"""User management and login throttling in real headless Chromium, at 1366×768 (English) and 1920×1080
(the guesser's browser in French), asserting what each person sees.

An integrator adds a viewer; the viewer logs in in a browser of their own; the integrator removes
them, and the viewer's next click lands on the login page. Then five wrong passwords under five names
from one address: the sixth attempt is refused with a wait, in the guesser's language, and the audit
page shows one line for that address (five failures, five names tried, one refused), not one line per
attempt. The box runs on the example site file in front of a stand-in bridge; its clock is the
test's, moved past the window instead of waited for. Screenshots under var/test-artifacts/box/ (users-*).
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.support.box_site import PASSWORDS, box_in_background, write_box_site
from tests.support.browser import shot

pytestmark = pytest.mark.integration

WINDOW_S = 600
VIEWER_PASSWORD = "nora-first-password"
# What a person reads: the failed login, then the lock, in each language.
FAILED = {"en": "Wrong account or password.", "fr": "Compte ou mot de passe incorrect."}
LOCKED = {"en": "Too many failed attempts", "fr": "Trop d'échecs"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _log_in(page: Page, url: str, user: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#user", user)
    page.fill("#password", password)
    page.click("button[type=submit]")


@pytest.mark.parametrize(("width", "height", "lang"), [(1366, 768, "en"), (1920, 1080, "fr")])
def test_an_integrator_removes_a_viewer_whose_next_click_lands_on_login_and_guesses_are_throttled(
    tmp_path: Path, browser: Browser, width: int, height: int, lang: str
) -> None:
    size = ViewportSize(width=width, height=height)
    clock = Clock()
    path = write_box_site(tmp_path, box=f"login_lockout_s = {WINDOW_S}")
    with box_in_background(path, clock=clock) as (url, _):
        integrator = browser.new_context(viewport=size).new_page()
        _log_in(integrator, url, "ines", PASSWORDS["ines"])
        integrator.click("nav >> text=Users")
        expect(integrator.locator("h1")).to_have_text("Users and sessions")
        form = integrator.locator("#add-account")
        form.locator("input[name=name]").fill("nora")
        form.locator("select[name=role]").select_option("viewer")
        form.locator("input[name=password]").fill(VIEWER_PASSWORD)
        form.locator("button[type=submit]").click()
        expect(integrator.locator("#users-done")).to_have_text("Account added.")
        expect(integrator.locator("tr[data-account=nora] select[name=role]")).to_have_value("viewer")

        viewer = browser.new_context(viewport=size).new_page()
        _log_in(viewer, url, "nora", VIEWER_PASSWORD)
        expect(viewer.locator(".who")).to_contain_text("nora")
        expect(viewer.locator("nav >> text=Users")).to_have_count(0)  # integrators only
        integrator.reload()
        expect(integrator.locator("tr[data-session-user=nora]")).to_have_count(1)
        shot(integrator, f"users-01-list-{width}")

        row = integrator.locator("tr[data-account=nora]")
        row.locator("summary").click()
        row.locator("button.danger").click()
        expect(integrator.locator("#users-done")).to_contain_text("Account removed")
        expect(integrator.locator("tr[data-account=nora]")).to_have_count(0)
        viewer.click("nav >> text=Health")
        expect(viewer).to_have_url(f"{url}/login?next=/health")
        expect(viewer.locator("h1")).to_have_text("Log in")
        shot(viewer, f"users-02-removed-viewer-at-login-{width}")

        guesser = browser.new_context(viewport=size, locale="fr-FR" if lang == "fr" else "en-US").new_page()
        for name in ("admin", "root", "operator", "ines", "nora"):
            _log_in(guesser, url, name, "a-wrong-password")
            expect(guesser.locator("#login-error")).to_have_text(FAILED[lang])
        _log_in(guesser, url, "ines", PASSWORDS["ines"])  # the right password, but from a locked address
        expect(guesser.locator("#login-error")).to_contain_text(LOCKED[lang])
        shot(guesser, f"users-03-throttled-{lang}-{width}")

        clock.now += WINDOW_S  # the window closes: its one line is written at the next round
        integrator.goto(f"{url}/audit?kind=account")
        failed = integrator.locator("#audit tbody tr", has_text="account.login_failed")
        for _ in range(20):
            if failed.count():
                break
            integrator.wait_for_timeout(500)
            integrator.reload()
        expect(failed).to_have_count(1)
        expect(failed).to_contain_text("127.0.0.1")
        expect(failed).to_contain_text("failures: 5")
        expect(failed).to_contain_text("names_tried: 5")
        expect(failed).to_contain_text("refused: 1")
        expect(failed).not_to_contain_text("admin")
        removal = integrator.locator("#audit tbody tr", has_text="account.remove")
        expect(removal).to_contain_text("ines")
        expect(removal).to_contain_text("nora")
        shot(integrator, f"users-04-audit-{width}")
