"""The hand check's routes over a real socket, on a clock the test sets: a viewer may not start one; taps
before the start, after the end or of a category the line does not count are refused with the reason;
a check stopped after two of its three 5-minute intervals is kept, marked short, over those two only;
one stopped before its first interval ends is not kept."""

from datetime import datetime
from pathlib import Path

import pytest

from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from tests.support.box_site import running_box, session, write_box_site
from tests.support.site_config_files import edited

pytestmark = pytest.mark.integration

ASKED = datetime.fromisoformat("2026-03-02T08:03:20+01:00").timestamp()
START = datetime.fromisoformat("2026-03-02T08:05:00+01:00").timestamp()


async def test_refusals_a_short_check_and_a_discarded_one(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    path.write_text(edited(path.read_text(), "interval_s = 900\n", "interval_s = 300\n"))
    site = load_site_config(path)
    (point,) = counting_points(site)
    now = [ASKED]
    analysed = StatisticsBatch()  # the bridge analysed the camera past the first check's end
    analysed.add_analysed(point.camera_id, START, START + 900)
    store = StatisticsStore(site.counting.store_path)
    store.commit(analysed)
    store.close()
    async with running_box(path) as (server, _):
        server.context.clock = lambda: now[0]
        base = server.url.rstrip("/")
        viewer, viewer_csrf = await session(base, "victor")
        refused = await viewer.post("/traffic/check", data={"point": point.id, "csrf_token": viewer_csrf})
        assert refused.status_code == 403
        await viewer.aclose()

        rita, csrf = await session(base, "rita")
        headers = {"X-CSRF-Token": csrf}
        started = await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
        assert started.status_code == 303
        state = (await rita.get("/api/hand-check")).json()
        assert (state["phase"], state["starts_in_s"], state["ends_in_s"]) == ("waiting", 100, 1000)

        async def tap(category: str, direction: str = "A->B") -> tuple[int, str]:
            answer = await rita.post(
                "/api/hand-check/tap", json={"category": category, "direction": direction}, headers=headers
            )
            return answer.status_code, answer.json().get("error", "")

        assert await tap("VL") == (409, "the check has not started yet")
        now[0] = START + 10
        assert await tap("pieton") == (409, "category: one of VL, PL, 2RM, velo")  # no people on this line
        assert await tap("VL", "north") == (409, "direction: one of A->B, B->A")
        assert await tap("VL") == (200, "")
        now[0] = START + 400
        assert await tap("PL", "B->A") == (200, "")
        now[0] = START + 610  # in the third interval: stopped now, the check keeps the first two
        assert await tap("VL") == (200, "")
        stopped = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert stopped.status_code == 303 and stopped.headers["location"].endswith("#hand-check")
        assert (await rita.get("/api/hand-check")).status_code == 409  # no check under way any more

        page = await rita.get(stopped.headers["location"])
        assert "Short: stopped early." in page.text and "10 min, counted by rita" in page.text

        now[0] = START + 3600
        await rita.post("/traffic/check", data={"point": point.id, "csrf_token": csrf})
        now[0] = START + 3600 + 200  # the check started at 09:05: not one interval done
        discarded = await rita.post("/traffic/check/stop", data={"csrf_token": csrf})
        assert "discarded=1" in discarded.headers["location"]
        page = await rita.get(discarded.headers["location"])
        assert "nothing to compare, it was not kept" in page.text
        await rita.aclose()

    store = StatisticsStore(site.counting.store_path)
    try:
        check = store.latest_hand_check(point.id, START + 7200)
    finally:
        store.close()
    assert check is not None and (check.start, check.end, check.short) == (START, START + 600, True)
    hand = {(c, d): h for c, d, h, _ in check.counts if h}
    assert hand == {("VL", "A->B"): 1, ("PL", "B->A"): 1}
