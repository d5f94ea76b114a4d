"""The box's browser tests' harness: Debian's headless Chromium driven by Playwright (no browser is
downloaded), and screenshots kept as test artefacts under var/test-artifacts/box/."""

from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from analytics.assets import REPO_ROOT
from genetec_bridge.lab.box_screenshots import CHROMIUM, CHROMIUM_ARGS
from tests.support.box_site import PASSWORDS

ARTIFACTS = REPO_ROOT / "var/test-artifacts/box"


def chromium_browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium package (make install does)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shot(page: Page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(page: Page, url: str, user: str, password: str | None = None, next_path: str = "") -> None:
    """The login form filled as a person does (the tests' password of `user` unless given), then signed in."""
    page.goto(f"{url}/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#user", user)
    page.fill("#password", password or PASSWORDS[user])
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(user)
