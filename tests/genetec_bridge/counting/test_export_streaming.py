"""A year of a counting point exports in bounded memory: the store is read, and the files written, a
week at a time. The files are what the whole series would have given."""

import csv
import json
import tracemalloc
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from genetec_bridge.counting.export_files import write_exports
from genetec_bridge.counting.exports import counts_csv, ngsi_ld
from genetec_bridge.counting.series import CountingPoint, site_measures
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
POINT = CountingPoint(
    f"{CAMERA}:Northbound",
    CAMERA,
    "Parvis",
    "Northbound",
    900.0,
    ("car", "truck"),
    ((0, 0), (1, 1)),
    (2.35, 48.85),
    ZoneInfo("UTC"),
)
START = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
WEEK = 7 * 86400.0
WEEKS = 53
PEAK_BYTES = 16 * 1024 * 1024


def _a_year(store: StatisticsStore) -> None:
    """Every quarter hour of 53 weeks analysed, with cars and trucks both ways, but a week of outage."""
    for week in range(WEEKS):
        if week == 20:
            continue
        batch = StatisticsBatch()
        first = START + week * WEEK
        batch.add_analysed(CAMERA, first, first + WEEK)
        for quarter in range(int(WEEK // 900)):
            at = first + quarter * 900
            for n, (kind, direction) in enumerate((c, d) for c in POINT.classes for d in ("A->B", "B->A")):
                batch.crossings[(CAMERA, POINT.line, at, 900.0, kind, direction)] = (quarter + n) % 7
        store.commit(batch)


def test_a_year_of_a_point_exports_in_bounded_memory_and_as_the_whole_series_would(tmp_path) -> None:
    store = StatisticsStore(tmp_path / "statistics.sqlite3")
    _a_year(store)
    end = START + WEEKS * WEEK

    tracemalloc.start()
    try:
        files = write_exports(tmp_path / "out", store, [POINT], START, end, None, "year", ("csv",))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    counts_file = files[1]
    assert peak < PEAK_BYTES < counts_file.stat().st_size
    with counts_file.open(encoding="utf-8") as file:
        rows = sum(1 for _ in csv.reader(file)) - 1
    quarters = int(WEEKS * WEEK // 900)
    assert rows == quarters * 2 * 3  # per quarter: 2 directions x (TV, VL, PL)
    # The same bytes as the whole series, read at once, gives (checked on a month: it is held whole).
    month_end = START + 31 * 86400.0
    month = write_exports(tmp_path / "month", store, [POINT], START, month_end, 3600.0, "month")
    series = site_measures(store, [POINT], START, month_end, 3600.0)
    assert month[1].read_text(encoding="utf-8") == counts_csv(series)
    assert json.loads(month[2].read_text(encoding="utf-8")) == ngsi_ld(series)
    assert month[2].read_text(encoding="utf-8") == json.dumps(ngsi_ld(series), indent=1, ensure_ascii=False)
    store.close()


def test_a_period_that_is_not_whole_intervals_is_refused_before_anything_is_written(tmp_path) -> None:
    store = StatisticsStore(tmp_path / "statistics.sqlite3")
    with pytest.raises(ValueError, match=f"^{POINT.id}: .* 900 s intervals"):
        write_exports(tmp_path / "out", store, [POINT], START, START + WEEK, 1000.0, "odd")
    store.close()
    assert not (tmp_path / "out").exists()
