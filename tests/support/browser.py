"""Debian's headless Chromium for the box's browser tests (driven by Playwright; no browser is
downloaded), and their screenshots, kept under var/test-artifacts/box/."""

from pathlib import Path

from playwright.sync_api import Page

from analytics.assets import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "var/test-artifacts/box"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
