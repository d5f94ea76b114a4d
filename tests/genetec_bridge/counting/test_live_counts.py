"""Live traffic counts: crossings tallied in the interval of their own time, and the time each camera
was really analysed, gathered for the statistics store."""

import csv
from datetime import datetime, timedelta

import pytest

from analytics.link.link_messages import FrameResult
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.export_files import write_exports
from genetec_bridge.counting.live_counts import MAX_ANALYSED_GAP_S, LiveCounts, max_analysed_gap_s
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.health.status import LineCrossings
from tests.support.site_config_files import EXAMPLE, PASSWORD_ENV, edited, example_text, write_site
from tests.support.synthetic_week import CAMERA, LINE, PARVIS, event


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> SiteConfig:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    return load_site_config(EXAMPLE)


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-02T{clock}+00:00")


def ts(clock: str) -> float:
    return at(clock).timestamp()


def result(captured_at: datetime, *events, camera: str = CAMERA) -> FrameResult:
    return FrameResult(
        camera=camera, frame=1, time_s=0.0, captured_at=captured_at, events=list(events), inference_s=0.01
    )


def test_a_crossing_counts_in_the_interval_of_its_own_time_even_when_reported_late(site) -> None:
    counts = LiveCounts(site)
    counts.add(
        result(at("08:15:40"), event(at("08:14:50"), "car", "A->B"), event(at("08:15:30"), "bus", "B->A"))
    )

    assert counts.take().crossings == {
        (CAMERA, LINE, ts("08:00:00"), 900.0, "car", "A->B"): 1,
        (CAMERA, LINE, ts("08:15:00"), 900.0, "bus", "B->A"): 1,
    }
    assert not counts.take(), "taken once"


def test_analysed_time_is_the_span_between_close_frames_split_per_minute(site) -> None:
    counts = LiveCounts(site)
    frame = at("08:00:59")
    for _ in range(11):  # 08:00:59.0 to 08:01:01.0, every 0.2 s
        counts.add(result(frame))
        frame += timedelta(seconds=0.2)

    analysed = counts.take().analysed
    assert analysed[(CAMERA, ts("08:00:00"))] == pytest.approx(1.0)
    assert analysed[(CAMERA, ts("08:01:00"))] == pytest.approx(1.0)


def test_a_gap_longer_than_a_few_dropped_frames_is_not_analysed_time(site) -> None:
    counts = LiveCounts(site)
    counts.add(result(at("08:00:00")))
    counts.add(result(at("08:00:00") + timedelta(seconds=MAX_ANALYSED_GAP_S + 0.5)))
    counts.add(result(at("08:00:10")))
    counts.add(result(at("08:00:11")))

    assert counts.take().analysed == {(CAMERA, ts("08:00:00")): pytest.approx(1.0)}


def test_each_camera_has_its_own_clock_and_only_counting_crossings_count(site) -> None:
    counts = LiveCounts(site)
    other_skill = event(at("08:01:00"), "car", "A->B").model_copy(update={"skill": "red_light:Stop line"})
    counts.add(result(at("08:01:00"), other_skill))
    counts.add(result(at("08:01:01"), camera=PARVIS))
    counts.add(result(at("08:01:01.500"), event(at("08:01:01.500"), "car", "A->B")))

    batch = counts.take()
    assert set(batch.crossings.values()) == {1}
    assert batch.analysed == {(CAMERA, ts("08:01:00")): pytest.approx(1.5)}
    assert counts.crossings() == [
        LineCrossings(camera_id=CAMERA, line=LINE, class_name="car", direction="A->B", count=1)
    ]


def test_the_store_adds_batches_and_a_failed_batch_can_be_merged_back(site, tmp_path) -> None:
    store = StatisticsStore(tmp_path / "stats.sqlite3")
    counts = LiveCounts(site)
    for clock in ("08:05:00", "08:05:01", "08:06:00", "08:06:01"):
        counts.add(result(at(clock), event(at(clock), "car", "A->B")))
        kept = counts.take()
        counts.pending.merge(kept)  # as the bridge does when a commit fails
        store.commit(counts.take())

    (row,) = store.counts(CAMERA, LINE, ts("08:00:00"), ts("08:15:00"))
    assert (row.start, row.class_name, row.direction, row.count) == (ts("08:00:00"), "car", "A->B", 4)
    assert store.analysed(CAMERA, ts("08:00:00"), ts("08:15:00")) == {
        ts("08:05:00"): 1.0,
        ts("08:06:00"): 1.0,
    }


def test_retention_deletes_what_started_before_the_cut_off(tmp_path) -> None:
    store = StatisticsStore(tmp_path / "stats.sqlite3")
    batch = StatisticsBatch()
    batch.crossings[(CAMERA, LINE, ts("07:45:00"), 900.0, "car", "A->B")] += 1
    batch.crossings[(CAMERA, LINE, ts("08:00:00"), 900.0, "car", "A->B")] += 1
    batch.add_analysed(CAMERA, ts("07:59:00"), ts("08:01:00"))
    batch.add_availability("daemon", ts("07:00:00"), ts("09:00:00"), up=True)
    batch.add_alert(PARVIS, "intrusion:Fountain", ts("07:30:00"))
    store.commit(batch)

    assert store.prune(ts("08:00:00")) == 4  # a count, a minute, an hour of availability, an alert hour

    assert [row.start for row in store.counts(CAMERA, LINE, 0, ts("09:00:00"))] == [ts("08:00:00")]
    assert store.analysed(CAMERA, 0, ts("09:00:00")) == {ts("08:00:00"): 60.0}
    assert store.availability(0, ts("09:00:00"))["daemon"].up_s == 3600.0
    assert store.alerts(0, ts("09:00:00")) == {}


def _site_with_fps(tmp_path, fps: str) -> SiteConfig:
    text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
    text = edited(
        text, 'name = "Carrefour Jean-Jaures"\nfps = 10', f'name = "Carrefour Jean-Jaures"\nfps = {fps}'
    )
    return load_site_config(write_site(tmp_path, text))


def test_a_camera_at_0_4_fps_is_analysed_all_along_and_every_crossing_is_exported(site, tmp_path) -> None:
    slow = _site_with_fps(tmp_path, "0.4")  # a frame every 2.5 s: more than MAX_ANALYSED_GAP_S apart
    counts, store = LiveCounts(slow), StatisticsStore(slow.counting.store_path)
    stored = 0
    for n in range(1441):  # 08:00:00 to 09:00:00 UTC
        frame = at("08:00:00") + timedelta(seconds=2.5 * n)
        crossing = [event(frame, "car", "A->B")] if n % 8 == 4 else []  # every 20 s: 180 in the hour
        stored += len(crossing)
        counts.add(result(frame, *crossing))
    store.commit(counts.take())

    (point,) = counting_points(slow)
    files = write_exports(tmp_path / "out", store, [point], ts("08:00:00"), ts("09:00:00"), None, "hour")
    rows = [r for r in csv.DictReader(files[1].open(encoding="utf-8")) if r["categorie"] == "TV"]
    store.close()
    assert stored == 180
    assert sum(int(r["valeur"]) for r in rows if r["sens"] == "A->B") == stored
    assert [float(r["couverture"]) for r in rows] == [1.0] * 8  # 4 quarter hours, both ways


def test_frames_the_daemon_dropped_in_between_count_as_analysed(site) -> None:
    counts = LiveCounts(site)  # camera 2 at 10 fps: 2 s without a result, unless frames were dropped
    gap = MAX_ANALYSED_GAP_S + 1.0
    counts.add(result(at("08:00:00")))
    counts.add(result(at("08:00:00") + timedelta(seconds=gap)).model_copy(update={"dropped": 29}))
    counts.add(result(at("08:00:00") + timedelta(seconds=2 * gap)))

    assert counts.take().analysed == {(CAMERA, ts("08:00:00")): pytest.approx(gap)}
    assert max_analysed_gap_s(10, 29) == pytest.approx(MAX_ANALYSED_GAP_S + 2.9)
    assert max_analysed_gap_s(0.4, 0) == pytest.approx(25.0)
