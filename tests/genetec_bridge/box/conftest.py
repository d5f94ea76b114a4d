"""The browser the box's browser tests share (see tests/support/browser.py)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.support.browser import chromium_browser


@pytest.fixture
def browser() -> Iterator[Browser]:
    yield from chromium_browser()
