"""`genetec-lab box-screenshots` as `make screenshots` runs it: every page in both languages, as PNGs of a
1366×768 window, small, and the French picture of a page is not the English one."""

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from analytics.assets import REPO_ROOT
from genetec_bridge.lab.box_screenshots import PAGES

pytestmark = pytest.mark.integration

# Besides PAGES: the login form and the two confirmations.
MORE = ("login", "rollback", "add-camera")
MAX_BYTES = 250_000  # the editor pages hold a camera picture


def test_every_page_is_saved_in_both_languages(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "genetec_bridge.lab.cli", "box-screenshots", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    names = [name for name, _ in PAGES] + list(MORE)
    expected = {f"{name}-{lang}.png" for name in names for lang in ("en", "fr")}
    assert {path.name for path in tmp_path.iterdir()} == expected
    for name in names:
        english, french = (Image.open(tmp_path / f"{name}-{lang}.png") for lang in ("en", "fr"))
        assert english.size == french.size == (1366, 768), name
        assert english.mode == "P" and (tmp_path / f"{name}-fr.png").stat().st_size < MAX_BYTES, name
        assert english.convert("RGB").tobytes() != french.convert("RGB").tobytes(), name
