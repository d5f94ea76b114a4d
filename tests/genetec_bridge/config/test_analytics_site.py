"""`analytics run` reads only the schedules and cameras of the integrator's file."""

import pytest

from analytics.config.loader import ConfigError, load_analytics_site
from tests.support.site_config_files import EXAMPLE, PASSWORD_ENV, edited, example_text, line_of, write_site


def test_the_analytics_read_cameras_and_schedules_without_needing_the_secrets(monkeypatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)

    site = load_analytics_site(EXAMPLE)

    assert [c.name for c in site.cameras] == ["Parvis Saint-Michel", "Carrefour Jean-Jaures"]
    assert site.camera("{00000002-0000-BABE-0000-00408CA1EB96}").stream == "highres"
    assert [s.label for s in site.camera("Parvis Saint-Michel").skills] == [
        "Porch at night",
        "intrusion:Fountain",
        "parking:Delivery bay",
    ]
    assert set(site.schedules) == {"nights", "market_days"}


def test_a_site_wide_reference_error_names_the_exact_key(tmp_path) -> None:
    text = edited(example_text(), 'schedule = "nights"', 'schedule = "night"')

    with pytest.raises(ConfigError) as raised:
        load_analytics_site(write_site(tmp_path, text))

    assert [(p.key, p.line) for p in raised.value.problems] == [
        ("cameras[0].skills[0].schedule", line_of(text, '"night"')),
    ]
