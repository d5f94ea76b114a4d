"""The statistics store's analysed time is rolled up from minutes into hours after a day, by the
retention: a row per camera and hour instead of sixty, with every total unchanged."""

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.series import CountingPoint, measures
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.privacy.retention import purge_expired
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
CAMERAS = ("00000001-0000-babe-0000-00408ca1eb95", "00000001-0000-babe-0000-00408ca1eb96")
DAY = 86400.0
HOUR = 3600.0


@pytest.fixture
def site(tmp_path, monkeypatch) -> SiteConfig:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    return load_site_config(write_site(tmp_path, example_text()))


def _three_days_analysed(store: StatisticsStore) -> None:
    """Each camera analysed in pieces of 1 to 600 s with gaps, over the three days before NOW."""
    chance = random.Random(26)
    batch = StatisticsBatch()
    for camera in CAMERAS:
        at = NOW.timestamp() - 3 * DAY
        while at < NOW.timestamp():
            length = chance.uniform(1.0, 600.0)
            batch.add_analysed(camera, at, min(at + length, NOW.timestamp()))
            at += length + chance.choice((0.0, 0.0, chance.uniform(0.0, 900.0)))
    store.commit(batch)


def _point(camera: str, interval_s: float) -> CountingPoint:
    return CountingPoint(
        camera, camera, camera, "line", interval_s, ("car",), ((0, 0), (1, 1)), None, ZoneInfo("UTC")
    )


def _coverage(store: StatisticsStore, camera: str, interval_s: float) -> list[float]:
    start = NOW.timestamp() - 3 * DAY
    return [m.analysed_s for m in measures(store, _point(camera, interval_s), start, NOW.timestamp())]


def _rows(store: StatisticsStore) -> int:
    return store.held(0.0, NOW.timestamp())["analysed"]


def test_minutes_older_than_a_day_become_hours_and_every_total_stays(site) -> None:
    store = StatisticsStore(site.counting.store_path)
    _three_days_analysed(store)
    start, end = NOW.timestamp() - 3 * DAY, NOW.timestamp()
    totals = {camera: sum(store.analysed(camera, start, end).values()) for camera in CAMERAS}
    hourly = {camera: _coverage(store, camera, HOUR) for camera in CAMERAS}
    daily = {camera: _coverage(store, camera, DAY) for camera in CAMERAS}
    last_day = {camera: store.analysed(camera, end - DAY, end) for camera in CAMERAS}
    rows_before = _rows(store)

    result = purge_expired(site, AuditTrail(site.audit.path), NOW, statistics=store)

    rows_after = _rows(store)
    # The minutes of the first two days became 2 cameras x 48 hours; the last day stays in minutes.
    assert result.statistics_rolled_up == rows_before - sum(len(m) for m in last_day.values())
    assert rows_after == rows_before - result.statistics_rolled_up + 2 * 48
    assert rows_after < rows_before / 2
    for camera in CAMERAS:
        assert sum(store.analysed(camera, start, end).values()) == pytest.approx(totals[camera], abs=1e-6)
        assert _coverage(store, camera, HOUR) == pytest.approx(hourly[camera], abs=1e-6)
        assert _coverage(store, camera, DAY) == pytest.approx(daily[camera], abs=1e-6)
        assert store.analysed(camera, end - DAY, end) == last_day[camera]  # still to the minute
    # A quarter of a rolled-up hour gets a quarter of its hour: the quarters add up to the hour.
    quarters = _coverage(store, CAMERAS[0], 900.0)
    assert [sum(quarters[i : i + 4]) for i in range(0, len(quarters), 4)] == pytest.approx(hourly[CAMERAS[0]])
    store.close()


def test_minutes_committed_late_for_a_rolled_up_hour_are_added_to_it(site) -> None:
    store = StatisticsStore(site.counting.store_path)
    hour = NOW.timestamp() - 2 * DAY
    for _ in range(2):
        batch = StatisticsBatch()
        batch.add_analysed(CAMERAS[0], hour + 600.0, hour + 1200.0)
        store.commit(batch)
        purge_expired(site, AuditTrail(site.audit.path), NOW, statistics=store)

    assert store.analysed(CAMERAS[0], hour, hour + HOUR, HOUR) == {hour: 1200.0}
    assert _rows(store) == 1
    store.close()
