"""[delivery] retention: delivered events kept a day, rejected ones a week, unless the file says otherwise."""

import pytest

from genetec_bridge.config.site import DeliveryConfig, load_site_config
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def test_delivered_events_are_kept_a_day_and_rejected_ones_a_week_by_default() -> None:
    config = DeliveryConfig()

    assert (config.keep_delivered_h, config.keep_rejected_h) == (24.0, 168.0)


def test_the_retention_is_read_from_the_file(tmp_path) -> None:
    text = edited(example_text(), "keep_delivered_h = 24 ", "keep_delivered_h = 2.5 ")
    text = edited(text, "keep_rejected_h = 168 ", "keep_rejected_h = 48 ")

    delivery = load_site_config(write_site(tmp_path, text)).delivery

    assert (delivery.keep_delivered_h, delivery.keep_rejected_h) == (2.5, 48.0)
