"""The browser the box's browser tests share (see tests/support/browser.py)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.support.browser import chromium_browser


@pytest.fixture
def browser() -> Iterator[Browser]:
    """What the user sees is awaited up to 20 s instead of Playwright's 5: the test machine is shared and
    slow at times (argon2 logins, page loads); nothing here is a timing promise."""
    expect.set_options(timeout=20_000)
    yield from chromium_browser()
    expect.set_options(timeout=5_000)
