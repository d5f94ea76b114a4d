"""Fixtures shared by all tests."""

from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.assets import MissingAssetError, asset


@pytest.fixture(scope="session")
def shared_asset() -> Callable[[str], Path]:
    """Resolve a file of the shared asset directory; a missing one fails the test, it never skips it."""

    def resolve(relative: str) -> Path:
        try:
            return asset(relative)
        except MissingAssetError as error:
            pytest.fail(str(error), pytrace=False)

    return resolve
