"""A hand check under way survives the box: the stand-in box (a real socket) is stopped and started
again on the same state directory, on a clock the test sets, and the check is read back from the
statistics store it is kept in.

- Taps in flight when the box stops: every tap the box answered 200 is there after the restart, none
  the box refused; the page says the check was resumed, the person continues and the check is kept
  whole with the taps of both runs.
- A window that ended while the box was down is closed at the last whole interval before the hole
  (taps before it kept, marked short, the product's counts of the same shortened window); one with no
  whole interval before the hole is refused, the page saying when the box was away.
- The comparison waits for the product's counts: stopped before the bridge's commit holding the last
  crossings of the window, the check is "settling" and not kept; once that commit is in, it is kept
  with them. A bridge that never commits is waited for SETTLE_S, then the check is kept with coverage 0.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.hand_check import SETTLE_S
from genetec_bridge.counting.series import CountingPoint, counting_points
from genetec_bridge.counting.store import HandCheck, StatisticsBatch, StatisticsStore
from tests.support.box_site import running_box, session, write_box_site
from tests.support.site_config_files import edited

pytestmark = pytest.mark.integration

ASKED = datetime.fromisoformat("2026-03-02T08:03:20+01:00").timestamp()
START = datetime.fromisoformat("2026-03-02T08:05:00+01:00").timestamp()  # 5-minute intervals to 08:20


def _site(tmp_path: Path) -> tuple[Path, CountingPoint]:
    path = write_box_site(tmp_path)
    path.write_text(edited(path.read_text(), "interval_s = 900\n", "interval_s = 300\n"))
    (point,) = counting_points(load_site_config(path))
    return path, point


def _commit(path: Path, point: CountingPoint, analysed: tuple[float, float], cars: dict[float, int]) -> None:
    """What the bridge commits: the camera analysed over `analysed`, and cars A->B per interval start."""
    batch = StatisticsBatch()
    batch.add_analysed(point.camera_id, *analysed)
    for start, n in cars.items():
        batch.crossings[(point.camera_id, point.line, start, point.interval_s, "car", "A->B")] += n
    store = StatisticsStore(load_site_config(path).counting.store_path)
    try:
        store.commit(batch)
    finally:
        store.close()


def _latest(path: Path, point: CountingPoint) -> HandCheck | None:
    store = StatisticsStore(load_site_config(path).counting.store_path)
    try:
        return store.latest_hand_check(point.id, START + 86400)
    finally:
        store.close()


def _hand(check: HandCheck) -> dict[tuple[str, str], int]:
    return {(c, d): h for c, d, h, _ in check.counts if h}


def _product(check: HandCheck) -> dict[tuple[str, str], int]:
    return {(c, d): p for c, d, _, p in check.counts if p}


@asynccontextmanager
async def _rita(path: Path, now: list[float]) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """Rita logged in to a box started on the site's state, its clock reading `now[0]`."""
    async with running_box(path) as (server, _):
        server.context.clock = lambda: now[0]
        rita, csrf = await session(server.url.rstrip("/"), "rita")
        try:
            yield rita, csrf
        finally:
            await rita.aclose()


async def _tap(client: httpx.AsyncClient, csrf: str, category: str = "VL") -> int:
    answer = await client.post(
        "/api/hand-check/tap",
        json={"category": category, "direction": "A->B"},
        headers={"X-CSRF-Token": csrf},
    )
    return answer.status_code


async def test_taps_in_flight_when_the_box_stops_are_kept_and_the_check_resumes(tmp_path: Path) -> None:
    path, point = _site(tmp_path)
    _commit(path, point, (START, START + 905), {START: 4})
    now = [ASKED]
    answered: list[int] = []
    async with running_box(path) as (server, _):
        server.context.clock = lambda: now[0]
        rita, csrf = await session(server.url.rstrip("/"), "rita")
        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
        now[0] = START + 10
        answered += [await _tap(rita, csrf) for _ in range(3)]
        in_flight = [asyncio.create_task(_tap(rita, csrf)) for _ in range(12)]
        while not any(task.done() for task in in_flight):
            await asyncio.sleep(0.001)
    # The box stopped with taps in flight: each got an answer (counted or refused) or none (not counted).
    outcomes = await asyncio.gather(*in_flight, return_exceptions=True)
    await rita.aclose()
    accepted = answered.count(200) + outcomes.count(200)
    unanswered = sum(isinstance(outcome, Exception) for outcome in outcomes)
    assert answered == [200, 200, 200]

    now[0] = START + 20  # back within RESUME_GAP_S: the person continues
    async with _rita(path, now) as (rita, csrf):
        kept = (await rita.get("/api/hand-check")).json()["taps"]
        assert accepted <= kept <= accepted + unanswered  # an answer lost in the stop may have been kept
        now[0] = START + 400
        assert await _tap(rita, csrf, "PL") == 200
        now[0] = START + 905
        stopped = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert stopped.headers["location"].endswith("#hand-check")
    check = _latest(path, point)
    assert check is not None and (check.start, check.end, check.short) == (START, START + 900, False)
    assert _hand(check) == {("VL", "A->B"): kept, ("PL", "A->B"): 1}
    assert _product(check) == {("VL", "A->B"): 4}


async def test_the_page_says_a_check_was_resumed_after_a_restart(tmp_path: Path) -> None:
    path, point = _site(tmp_path)
    now = [START + 10]
    async with _rita(path, now) as (rita, csrf):
        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
    async with _rita(path, now) as (rita, csrf):
        page = await rita.get("/traffic/check")
        assert 'id="resumed"' in page.text and "your 0 taps are kept" in page.text
        assert 'id="resumed"' not in (await rita.get("/traffic/check")).text  # once, by this run
        abandoned = await rita.post("/traffic/check/abandon", data={"csrf_token": csrf})
        assert abandoned.status_code == 303
        assert (await rita.get("/api/hand-check")).status_code == 409
    assert _latest(path, point) is None


async def test_a_window_that_ended_while_the_box_was_down_is_closed_at_the_last_whole_interval(
    tmp_path: Path,
) -> None:
    path, point = _site(tmp_path)
    _commit(path, point, (START, START + 2400), {START: 3, START + 300: 5})
    now = [ASKED]
    async with _rita(path, now) as (rita, csrf):
        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
        now[0] = START + 10
        assert await _tap(rita, csrf) == 200
        now[0] = START + 400
        assert await _tap(rita, csrf) == 200  # in the second interval, which the hole then cuts
        now[0] = START + 420
        assert (await rita.get("/api/hand-check")).status_code == 200  # the last time the box saw rita

    now[0] = START + 1000  # the box was down from 08:12:00 to 08:21:40, past the window's end
    async with _rita(path, now) as (rita, csrf):
        assert (await rita.get("/api/hand-check")).json()["phase"] == "over"
        stopped = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert stopped.headers["location"].endswith("#hand-check")
        check = _latest(path, point)
        assert check is not None and (check.start, check.end, check.short) == (START, START + 300, True)
        assert _hand(check) == {("VL", "A->B"): 1} and _product(check) == {("VL", "A->B"): 3}

        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})  # 08:25 to 08:40

    now[0] = START + 1600  # down from 08:21:40 to 08:31:40: not one whole interval before the hole
    async with _rita(path, now) as (rita, csrf):
        page = await rita.get("/traffic/check", follow_redirects=True)
        assert "The box was away from 08:21:40 to 08:31:40" in page.text and "not kept" in page.text
        assert (await rita.get("/api/hand-check")).status_code == 409
    assert _latest(path, point) == check


async def test_the_comparison_waits_for_the_commit_holding_the_windows_last_crossings(tmp_path: Path) -> None:
    path, point = _site(tmp_path)
    _commit(path, point, (START, START + 895), {START: 2, START + 600: 3})  # the bridge's commit at 08:19:55
    now = [ASKED]
    async with _rita(path, now) as (rita, csrf):
        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
        now[0] = START + 10
        assert await _tap(rita, csrf) == 200
        now[0] = START + 902
        stopped = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert stopped.headers["location"] == "/traffic/check"  # settling, not compared
        assert (await rita.get("/api/hand-check")).json()["phase"] == "settling"
        assert _latest(path, point) is None

        _commit(path, point, (START + 895, START + 905), {START + 600: 2})  # the next commit: 2 late cars
        assert (await rita.get("/api/hand-check")).json()["phase"] == "over"
        stopped = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert stopped.headers["location"].endswith("#hand-check")
        check = _latest(path, point)
        assert check is not None and _product(check) == {("VL", "A->B"): 7} and check.coverage == 1.0

        # Next window (08:25-08:40): no bridge commits any more; waited for SETTLE_S, then kept, coverage 0.
        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
        end = START + 2100
        now[0] = end + 1
        await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert (await rita.get("/api/hand-check")).json()["phase"] == "settling"
        now[0] = end + SETTLE_S
        assert (await rita.get("/api/hand-check")).json()["phase"] == "over"
        stopped = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert stopped.headers["location"].endswith("#hand-check")
    last = _latest(path, point)
    assert last is not None and (last.start, last.end, last.coverage) == (START + 1200, end, 0.0)
