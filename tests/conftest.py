"""Fixtures shared by all tests."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT, MissingAssetError, asset
from analytics.config.state_paths import STATE_DIR_ENV

# Tests run from a checkout: its var/ is the state directory unless the caller chose one, so that no
# test writes under the production default /var/lib/genetec-analytics.
os.environ.setdefault(STATE_DIR_ENV, str(REPO_ROOT / "var"))


@pytest.fixture(scope="session")
def shared_asset() -> Callable[[str], Path]:
    """Resolve a file of the shared asset directory; a missing one fails the test, it never skips it."""

    def resolve(relative: str) -> Path:
        try:
            return asset(relative)
        except MissingAssetError as error:
            pytest.fail(str(error), pytrace=False)

    return resolve
