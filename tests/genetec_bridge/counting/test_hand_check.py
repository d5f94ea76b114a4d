"""The hand check's arithmetic and storage: the Wilson interval against Newcombe's published values, the
error's interval, the window on whole local intervals (across the clocks going back), taps outside the
window refused, and checks kept durably in the statistics store (reopened, the latest by its end)."""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from genetec_bridge.counting.hand_check import (
    HandCheckRefused,
    Session,
    compare,
    errors,
    ratio_error,
    wilson,
    window,
)
from genetec_bridge.counting.series import CountingPoint
from genetec_bridge.counting.store import HandCheck, StatisticsBatch, StatisticsStore

PARIS = ZoneInfo("Europe/Paris")


def _point(interval_s: float = 900.0) -> CountingPoint:
    return CountingPoint(
        id="cam:line",
        camera_id="cam",
        camera_name="Camera",
        line="line",
        interval_s=interval_s,
        classes=("car", "truck", "bicycle"),
        segment=((0.1, 0.5), (0.9, 0.5)),
        location=None,
        zone=PARIS,
    )


def _at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StatisticsStore]:
    opened = StatisticsStore(tmp_path / "statistics.sqlite3")
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombes_published_intervals(
    successes: int, trials: int, low: float, high: float
) -> None:
    found = wilson(successes, trials)
    assert found == pytest.approx((low, high), abs=5e-5)


def test_the_error_and_its_interval() -> None:
    # 16 by the product, 17 by hand: p = 16/33 has the Wilson interval (0.3250, 0.6478), by hand; as p / (1 - p) - 1:
    error, low, high = ratio_error(16, 17)
    assert error == pytest.approx(-1 / 17)
    assert (low, high) == pytest.approx((0.3250 / 0.6750 - 1, 0.6478 / 0.3522 - 1), abs=2e-3)
    assert ratio_error(0, 0) == (None, None, None)
    error, low, high = ratio_error(3, 0)  # counted by the product only: no error, an unbounded interval
    assert error is None and high is None and low is not None and low > -1
    assert ratio_error(0, 4)[:2] == (-1.0, -1.0)


def test_the_window_starts_at_the_next_interval_and_holds_whole_ones_across_the_clocks_going_back() -> None:
    assert window(_at("2026-03-02T08:03:20+01:00"), _point()) == (
        _at("2026-03-02T08:15:00+01:00"),
        _at("2026-03-02T08:30:00+01:00"),
    )
    assert window(_at("2026-03-02T08:15:00+01:00"), _point())[0] == _at("2026-03-02T08:15:00+01:00")
    # 25 October 2026: asked at 02:58:30 summer time, the next 5-minute boundary is the repeated 02:00.
    start, end = window(_at("2026-10-25T02:58:30+02:00"), _point(300.0))
    assert (start, end - start) == (_at("2026-10-25T02:00:00+01:00"), 900.0)


def test_taps_outside_the_window_or_of_unknown_keys_are_refused_and_the_short_end_is_a_boundary() -> None:
    start, end = _at("2026-03-02T08:15:00+01:00"), _at("2026-03-02T08:30:00+01:00")
    session = Session(_point(300.0), "rita", start, end, seen_at=start)
    for at, category, direction, refusal in (
        (start - 1, "VL", "A->B", "not started"),
        (end, "VL", "A->B", "over"),
        (start, "2RM", "A->B", "category: one of VL, PL, velo"),
        (start, "VL", "north", "direction: one of A->B, B->A"),
    ):
        with pytest.raises(HandCheckRefused, match=refusal):
            session.tap(at, category, direction)
    session.tap(start, "VL", "A->B")
    session.tap(start + 400, "PL", "B->A")  # in the second 5-minute interval
    session.tap(start + 610, "VL", "A->B")  # in the third: past a stop at 08:25:30
    session.undo()
    session.tap(start + 650, "VL", "A->B")
    assert session.end_at(start + 630) == start + 600
    assert session.tally(start + 600) == {("VL", "A->B"): 1, ("PL", "B->A"): 1}
    assert session.end_at(end + 100) == end


def test_a_check_compares_the_window_only_and_is_kept_across_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "statistics.sqlite3"
    point = _point(300.0)
    start = _at("2026-03-02T08:15:00+01:00")
    batch = StatisticsBatch()
    batch.add_analysed("cam", start - 300, start + 450)  # the camera stops 7 min 30 s into the window
    for offset, class_name, n in ((-300, "car", 9), (0, "car", 3), (300, "truck", 2), (600, "car", 40)):
        batch.crossings[("cam", "line", start + offset, 300.0, class_name, "A->B")] += n
    store = StatisticsStore(path)
    store.commit(batch)
    session = Session(point, "rita", start, start + 900, seen_at=start)
    for _ in range(4):
        session.tap(start + 10, "VL", "A->B")
    session.tap(start + 310, "PL", "A->B")
    check = compare(store, session, session.end_at(start + 650))
    assert (check.end - check.start, check.short, check.coverage) == (600.0, True, 0.75)
    store.add_hand_check(check)
    with pytest.raises(HandCheckRefused, match="not one whole counting interval"):
        compare(store, Session(point, "rita", start, start + 900, seen_at=start), session.end_at(start + 200))
    store.close()

    reopened = StatisticsStore(path)
    try:
        kept = reopened.latest_hand_check("cam:line", start + 900)
        assert kept == check
        assert reopened.latest_hand_check("cam:line", start + 599) is None  # ended after that
        assert reopened.latest_hand_check("other:line", start + 900) is None
        later = HandCheck("cam:line", "ines", start + 900, start + 1800, 900.0, 1.0, (("VL", "A->B", 1, 1),))
        reopened.add_hand_check(later)
        assert reopened.latest_hand_check("cam:line", start + 1800) == later
        # The retention takes a check with the counts of its window (it names a person), no later.
        reopened.prune(start + 900)
        assert reopened.latest_hand_check("cam:line", start + 900) is None
        assert reopened.latest_hand_check("cam:line", start + 1800) == later
    finally:
        reopened.close()
    rows = {(e.category, e.hand, e.product, e.error) for e in errors(check)}
    assert rows == {("VL", 4, 3, -0.25), ("PL", 1, 2, 1.0), ("velo", 0, 0, None), ("total", 5, 5, 0.0)}
