"""Values the running bridge cannot live with are refused at load, naming the key: a retention of
999999 days ("for ever") would make every purge overflow, an interval of inf every statistics commit
fail. At the largest values accepted, a purge runs."""

from datetime import UTC, datetime

import pytest

from analytics.config.loader import ConfigError
from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import MAX_DAYS, load_site_config
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.privacy.retention import purge_expired
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, line_of, write_site

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"


@pytest.fixture(autouse=True)
def _environment(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))


# (old text, new text, key reported, words of the message)
REFUSED = [
    ("counts_days = 730 ", "counts_days = 999999 ", "retention.counts_days", "less than or equal to 36500"),
    (
        "verdicts_days = 365 ",
        "verdicts_days = 36501 ",
        "retention.verdicts_days",
        "less than or equal to 36500",
    ),
    ("audit_days = 365 ", "audit_days = 999999 ", "retention.audit_days", "less than or equal to 36500"),
    ("interval_s = 900", "interval_s = inf", "cameras[1].skills[0].interval_s", "inf is not a finite number"),
    (
        "interval_s = 900",
        "interval_s = 172800",
        "cameras[1].skills[0].interval_s",
        "less than or equal to 86400",
    ),
    ("purge_every_min = 60", "purge_every_min = nan", "retention.purge_every_min", "nan is not a finite"),
    ("keep_rejected_h = 168 ", "keep_rejected_h = inf ", "delivery.keep_rejected_h", "inf is not a finite"),
    ("retry_max_s = 60", "retry_max_s = 1e12", "delivery.retry_max_s", "less than or equal to 86400"),
]


@pytest.mark.parametrize(("old", "new", "key", "words"), REFUSED, ids=[case[2] for case in REFUSED])
def test_a_value_the_runtime_cannot_use_is_refused_naming_its_key(tmp_path, old, new, key, words) -> None:
    text = edited(example_text(), old, new)

    with pytest.raises(ConfigError) as raised:
        load_site_config(write_site(tmp_path, text))

    problems = [p for p in raised.value.problems if p.key == key]
    assert len(problems) == 1, raised.value.problems  # said once, not once per broken bound
    assert words in problems[0].message and problems[0].line == line_of(text, new.strip())


def test_a_purge_at_the_largest_retention_accepted_runs_and_keeps_everything(tmp_path) -> None:
    text = example_text()
    for key, value in (("counts_days", 730), ("verdicts_days", 365), ("audit_days", 365)):
        text = edited(text, f"{key} = {value} ", f"{key} = {MAX_DAYS} ")
    site = load_site_config(write_site(tmp_path, text))
    store = StatisticsStore(site.counting.store_path)
    batch = StatisticsBatch()
    batch.add_analysed(CAMERA, 0.0, 60.0)  # 1970: well inside a hundred years before now
    store.commit(batch)
    store.close()

    result = purge_expired(site, AuditTrail(site.audit.path), datetime(2026, 6, 15, tzinfo=UTC))

    assert result.statistics_rows == 0
