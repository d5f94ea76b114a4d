"""The traffic page in real headless Chromium, against the box on a real socket in front of a statistics
store filled through StatisticsStore.commit with one synthetic day: crossings at 08:00 and 17:00 and a
two-hour outage (10:00-12:00, nothing analysed), plus the same weekday of the week before. The charts
are drawn, the tables hold the figures counted by hand below, the outage reads as missing (never 0),
and the CSV export downloads the same figures. Screenshots go to var/test-artifacts/box/traffic-*.png.
"""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from tests.support.box_site import PASSWORDS, box_in_background, running_box, write_box_site
from tests.support.browser import shot
from tests.support.site_config_files import edited, in_utc

pytestmark = pytest.mark.integration

DAY = "2026-03-02"  # a Monday
WEEK_BEFORE = "2026-02-23"
HOUR_S = 3600.0
# (hour, class, direction, crossings) on DAY; the outage is 10:00-12:00.
CROSSINGS = [
    (8, "car", "A->B", 5),
    (8, "car", "B->A", 2),
    (8, "truck", "A->B", 1),
    (8, "bus", "B->A", 1),
    (8, "bicycle", "A->B", 3),
    (8, "person", "B->A", 2),
    (17, "car", "B->A", 7),
    (17, "motorcycle", "A->B", 1),
]


def _midnight(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()


def _site(tmp_path: Path) -> Path:
    """The example site, its counting line counting people too (so every category shows)."""
    path = write_box_site(tmp_path)
    path.write_text(
        edited(
            in_utc(path.read_text()),
            "interval_s = 900\n",
            'interval_s = 900\nclasses = ["car", "truck", "bus", "motorcycle", "bicycle", "person"]\n',
        )
    )
    return path


def _fill(path: Path) -> str:
    """The synthetic statistics; the counting point's id."""
    site = load_site_config(path)
    (point,) = counting_points(site)
    batch = StatisticsBatch()
    day = _midnight(DAY)
    batch.add_analysed(point.camera_id, day, day + 10 * HOUR_S)
    batch.add_analysed(point.camera_id, day + 12 * HOUR_S, day + 24 * HOUR_S)
    for hour, class_name, direction, n in CROSSINGS:
        key = (point.camera_id, point.line, day + hour * HOUR_S, point.interval_s, class_name, direction)
        batch.crossings[key] += n
    before = _midnight(WEEK_BEFORE)
    batch.add_analysed(point.camera_id, before, before + 24 * HOUR_S)
    batch.crossings[(point.camera_id, point.line, before + 9 * HOUR_S, point.interval_s, "car", "A->B")] += 4
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()
    return point.id


def _row(page: Page, table: str, header: str) -> list[str]:
    """The cells of the row whose first header starts with `header`."""
    first = page.locator("th:first-child", has_text=re.compile(f"^{re.escape(header)}"))
    row = page.locator(f"#{table} tbody tr").filter(has=first)
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_traffic_page_draws_the_day_lists_hand_counted_figures_shows_the_outage_and_exports(
    tmp_path: Path, browser: Browser
) -> None:
    path = _site(tmp_path)
    point_id = _fill(path)
    with box_in_background(path) as (base, _):
        page = browser.new_page(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        page.goto(f"{base}/traffic")
        page.fill("#user", "victor")  # a viewer: the page is for every role
        page.fill("#password", PASSWORDS["victor"])
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Traffic counts")

        # Choose the day with the keyboard only.
        page.focus("#point")
        page.keyboard.press("Tab")
        expect(page.locator("#day")).to_be_focused()
        page.locator("#day").fill(DAY)
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/traffic?point=*&day={DAY}")
        assert page.locator("#point").input_value() == point_id

        for chart in ("profile", "weeks", "directions", "coverage"):
            canvas = page.locator(f"#{chart}-chart")
            expect(canvas).to_have_attribute("data-drawn", "true")
            assert canvas.evaluate("c => c.width * c.height") > 0, chart
        # Bars were painted: some pixel of the profile chart is not transparent.
        painted = page.locator("#profile-chart").evaluate(
            "c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 == 3 && v)"
        )
        assert painted
        shot(page, "traffic-1280x800", full_page=False)  # the top of the page, as a laptop shows it

        # Columns: VL, PL, 2RM, velo, pieton, total, coverage.
        assert _row(page, "profile", "08:00") == ["7", "2", "0", "3", "2", "14", "100 %"]
        assert _row(page, "profile", "17:00") == ["7", "0", "1", "0", "0", "8", "100 %"]
        assert _row(page, "profile", "09:00") == ["0", "0", "0", "0", "0", "0", "100 %"]
        for outage in ("10:00", "11:00"):
            assert _row(page, "profile", outage) == ["missing"] * 6 + ["0 %"]
        # This week: total and coverage (22 h of 24); the week before: its Monday's 4 cars.
        assert _row(page, "weeks", DAY) == ["22", "92 %", "4", "100 %"]
        assert _row(page, "weeks", "2026-03-03") == ["missing", "0 %", "missing", "0 %"]
        assert _row(page, "directions", "A->B") == ["5", "1", "1", "3", "0", "10"]
        assert _row(page, "directions", "B->A") == ["9", "1", "0", "0", "2", "12"]
        page.locator("#coverage-title ~ details summary").click()
        assert _row(page, "coverage", "10:15") == ["missing"]
        assert _row(page, "coverage", "12:00") == ["100 %"]
        shot(page, "traffic-page")

        page.fill("#export-from", DAY)
        page.fill("#export-to", "2026-03-03")
        page.select_option("#export-period", "hour")
        with page.expect_download() as download:
            page.click("#export button[type=submit]")
        assert download.value.suggested_filename == f"comptages-{DAY}-2026-03-03-hour.zip"
        with zipfile.ZipFile(download.value.path()) as zipped:
            assert sorted(zipped.namelist()) == [
                "comptages-2026-03-02-2026-03-03-hour.csv",
                "mouvements-2026-03-02-2026-03-03-hour.csv",
                "points-comptage.csv",
                "vitesses-2026-03-02-2026-03-03-hour.csv",
            ]
            points = list(csv.DictReader(io.StringIO(zipped.read("points-comptage.csv").decode())))
            rows = list(
                csv.DictReader(io.StringIO(zipped.read("comptages-2026-03-02-2026-03-03-hour.csv").decode()))
            )
        assert [p["idmes"] for p in points] == [point_id]
        value = {(r["debut"][11:16], r["sens"], r["categorie"]): (r["valeur"], r["couverture"]) for r in rows}
        assert value[("08:00", "A->B", "VL")] == ("5", "1.0")
        assert value[("08:00", "A->B", "TV")] == ("6", "1.0")
        assert value[("08:00", "B->A", "pieton")] == ("2", "1.0")
        assert value[("10:00", "A->B", "VL")] == ("", "0.0")  # the outage: empty, not 0
        assert value[("09:00", "A->B", "VL")] == ("0", "1.0")

        page.goto(f"{base}/lang/fr")
        page.goto(f"{base}/traffic?day={DAY}")
        expect(page.locator("h1")).to_have_text("Comptages du trafic")
        assert _row(page, "profile", "10:00")[0] == "manquant"
        shot(page, "traffic-fr")

        # NGSI-LD through the same session: no entity for the outage's hours.
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        answer = httpx.get(
            f"{base}/traffic/export",
            params={"from": DAY, "to": "2026-03-03", "period": "hour", "format": "ngsi-ld"},
            cookies=cookies,
        )
        assert answer.status_code == 200, answer.text
        starts = {entity["dateObservedFrom"]["value"]["@value"][11:16] for entity in answer.json()}
        assert "08:00" in starts and "10:00" not in starts and "11:00" not in starts
        page.close()


async def test_export_needs_a_session_names_the_bad_parameter_and_says_when_nothing_is_stored(
    tmp_path: Path,
) -> None:
    path = _site(tmp_path)
    async with running_box(path) as (server, _):
        base = server.url.rstrip("/")
        async with httpx.AsyncClient(base_url=base) as anonymous:
            refused = await anonymous.get("/traffic/export", params={"from": DAY, "to": "2026-03-03"})
            assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        async with httpx.AsyncClient(base_url=base) as viewer:
            form = await viewer.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            await viewer.post(
                "/login", data={"user": "victor", "password": PASSWORDS["victor"], "csrf_token": token}
            )
            page = await viewer.get("/traffic", params={"day": DAY})
            assert page.status_code == 200 and "No statistics stored yet" in page.text
            nothing = await viewer.get("/traffic/export", params={"from": DAY, "to": "2026-03-03"})
            assert nothing.status_code == 404 and "counting.store_path" in nothing.text
            _fill(path)
            for params, key in (
                ({"from": DAY, "to": "2026-03-03", "period": "week"}, "period"),
                ({"from": DAY, "to": "2026-03-03", "format": "xml"}, "format"),
                ({"from": DAY, "to": DAY}, "to"),
                ({"from": "02/03/2026"}, "from"),
                ({"from": DAY, "to": "2027-03-04"}, "to"),  # 367 days: beyond the most a request exports
            ):
                answer = await viewer.get("/traffic/export", params=params)
                # A page in the reader's language, the parameter named in its folded detail.
                assert answer.status_code == 400 and f"<code>{key}:" in answer.text, (params, answer.text)
            assert "at most 366 days" in answer.text
            year = await viewer.get(
                "/traffic/export", params={"from": DAY, "to": "2027-03-03", "format": "ngsi-ld"}
            )
            assert year.status_code == 200 and year.headers["content-type"] == "application/json"
            assert len(year.json()) > 0
            unknown = await viewer.get("/traffic", params={"point": "nowhere:nothing", "day": DAY})
            assert unknown.status_code == 404
