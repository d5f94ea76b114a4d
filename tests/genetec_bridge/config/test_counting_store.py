"""[counting] store_path and [retention] counts_days: where the statistics are kept, and for how long."""

import pytest

from analytics.config.loader import ConfigError
from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.config.site import load_site_config
from genetec_bridge.config.summary import describe_site
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

COMMENTED = '# store_path = "statistics.sqlite3"'


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def test_the_store_is_under_the_state_directory_by_default(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    config = load_site_config(write_site(tmp_path, example_text()))

    assert config.counting.store_path == tmp_path / "state/statistics.sqlite3"
    assert config.retention.counts_days == 730


def test_a_relative_store_path_is_relative_to_the_config_file(tmp_path) -> None:
    text = edited(example_text(), COMMENTED, 'store_path = "city/statistics.sqlite3"')

    config = load_site_config(write_site(tmp_path, text))

    assert config.counting.store_path == tmp_path / "city/statistics.sqlite3"
    assert (
        f"Counting: traffic counts in {tmp_path / 'city/statistics.sqlite3'}, kept 730 days,"
        " local days and hours of Europe/Paris" in describe_site(config)
    )


def test_the_statistics_time_zone_is_the_hosts_unless_the_file_names_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TZ", ":America/Montreal")
    named = load_site_config(write_site(tmp_path, example_text()))
    text = edited(
        example_text(), 'timezone = "Europe/Paris"                       # local days', "# local days"
    )
    host = load_site_config(write_site(tmp_path, text))

    assert named.counting.timezone == "Europe/Paris"
    assert host.counting.timezone == "America/Montreal"
    assert any(line.endswith("local days and hours of America/Montreal") for line in describe_site(host))


def test_a_retention_of_zero_days_is_refused_naming_the_key(tmp_path) -> None:
    text = edited(example_text(), "counts_days = 730", "counts_days = 0")

    with pytest.raises(ConfigError, match=r"retention\.counts_days"):
        load_site_config(write_site(tmp_path, text))


def test_a_second_retention_setting_in_counting_is_refused_naming_the_key(tmp_path) -> None:
    text = edited(example_text(), COMMENTED, "keep_days = 730")

    with pytest.raises(ConfigError, match=r"counting\.keep_days"):
        load_site_config(write_site(tmp_path, text))


def test_the_former_export_dir_is_refused_naming_the_key(tmp_path) -> None:
    text = edited(example_text(), COMMENTED, 'export_dir = "counts"')

    with pytest.raises(ConfigError, match="export_dir"):
        load_site_config(write_site(tmp_path, text))
