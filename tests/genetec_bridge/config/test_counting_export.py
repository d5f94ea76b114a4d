"""[counting] export_dir: where the live traffic counts are written, relative to the config file."""

import pytest

from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.config.site import load_site_config
from genetec_bridge.config.summary import describe_site
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

COMMENTED = '# export_dir = "counts"'


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def test_counts_are_exported_under_the_state_directory_by_default(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    config = load_site_config(write_site(tmp_path, example_text()))

    assert config.counting.export_dir == tmp_path / "state/counts"


def test_a_relative_export_dir_is_relative_to_the_config_file(tmp_path) -> None:
    text = edited(example_text(), COMMENTED, 'export_dir = "statistics/counts"')

    config = load_site_config(write_site(tmp_path, text))

    assert config.counting.export_dir == tmp_path / "statistics/counts"
    assert f"Counting: traffic counts exported to {tmp_path / 'statistics/counts'}" in describe_site(config)


def test_an_absolute_export_dir_is_kept(tmp_path) -> None:
    text = edited(example_text(), COMMENTED, 'export_dir = "/srv/city/counts"')

    assert load_site_config(write_site(tmp_path, text)).counting.export_dir.as_posix() == "/srv/city/counts"
