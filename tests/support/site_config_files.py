"""The example site file and broken variants of it, written where a test can load them."""

import shutil
from pathlib import Path

from analytics.assets import REPO_ROOT

EXAMPLE = REPO_ROOT / "fixtures/site-example.toml"
PASSWORD_ENV = "GENETEC_PASSWORD"


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def in_utc(text: str) -> str:
    """The example with its statistics in UTC rather than Europe/Paris: for the tests whose days and
    hours were computed by hand in UTC."""
    return edited(
        text, 'timezone = "Europe/Paris"                       # local days', 'timezone = "UTC"  # days'
    )


def edited(text: str, old: str, new: str) -> str:
    """`text` with the first `old` replaced; fails loudly when the example no longer contains it."""
    assert old in text, f"the example no longer contains {old!r}"
    return text.replace(old, new, 1)


def write_site(directory: Path, text: str, name: str = "site.toml") -> Path:
    """Write `text` beside a copy of the example's secret files, so relative secret paths resolve."""
    shutil.copytree(EXAMPLE.parent / "secrets", directory / "secrets", dirs_exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing `fragment`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)
