"""The traffic page's wording and its speeds, over a real socket, on a clock the test sets (Wednesday 4 March 2026,
14:20 in Paris): 179 vehicles counted in 4 minutes analysed of the day read "< 1 %" with "4 min 00 s
analysed", never "0 %"; the hours and days still to come read "not yet", not "missing"; an hour that was
never analysed is still "missing"; the export's default range ends today, not in the days to come; the
tables name the time zone. Then the day's speeds (share measured, mean, V85) and turning movements on
the page and the month's in the report, for a calibrated camera and for one that says it has none."""

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.render import render_html
from tests.support.box_site import running_box, session, write_box_site
from tests.support.site_config_files import edited

pytestmark = pytest.mark.integration

NOW = datetime.fromisoformat("2026-03-04T14:20:00+01:00").timestamp()
NINE = datetime.fromisoformat("2026-03-04T09:00:00+01:00").timestamp()


def _cells(html: str, table: str, header: str) -> list[str]:
    body = html[html.index(f'id="{table}"') :]
    row = re.search(
        rf'<th scope="row">{re.escape(header)}[^<]*(?:<small>[^<]*</small>)?</th>(.*?)</tr>', body
    )
    assert row is not None, header
    return [
        unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row.group(1))
    ]


async def test_a_sliver_analysed_reads_below_one_percent_and_days_to_come_read_not_yet(
    tmp_path: Path,
) -> None:
    path = write_box_site(tmp_path)
    site = load_site_config(path)
    (point,) = counting_points(site)
    batch = StatisticsBatch()
    batch.add_analysed(point.camera_id, NINE, NINE + 240)  # 4 minutes of the day
    batch.crossings[(point.camera_id, point.line, NINE, point.interval_s, "car", "A->B")] += 179
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()
    async with running_box(path) as (server, _):
        server.context.clock = lambda: NOW
        viewer, _ = await session(server.url.rstrip("/"), "victor")
        page = (await viewer.get("/traffic")).text
        await viewer.aclose()
    assert 'value="2026-03-04"' in page  # today is the site's, from the box's clock
    coverage = re.search(r'id="directions-coverage">([^<]*)</p>', page)
    assert coverage is not None
    assert coverage.group(1).split() == [
        "Coverage",
        "of",
        "the",
        "day:",
        "&lt;",
        "1",
        "%.",
        "(4",
        "min",
        "00",
        "s",
        "analysed)",
    ]
    assert _cells(page, "profile", "09:00") == ["179", "0", "0", "0", "179", "7 %"]
    assert _cells(page, "profile", "13:00") == ["missing"] * 5 + ["0 %"]  # past, never analysed
    assert _cells(page, "profile", "14:00") == ["missing"] * 5 + ["0 %"]  # begun: its first 20 min are past
    assert _cells(page, "profile", "15:00") == ["not yet"] * 6
    assert _cells(page, "weeks", "2026-03-05") == ["not yet", "not yet", "missing", "0 %"]
    assert _cells(page, "coverage", "14:15") == ["missing"]
    assert _cells(page, "coverage", "14:30") == ["not yet"]
    assert 'id="export-from" name="from" type="date" value="2026-03-02"' in page  # the Monday
    assert 'id="export-to" name="to" type="date" value="2026-03-05"' in page  # excluded: up to today
    assert "Hour (Europe/Paris)" in page and "Interval (Europe/Paris)" in page


GROUND = """
[cameras.ground]
image_size = [320, 240]
points = [
    { image = [0.4031, 0.9021], ground = [0.00, 0.00] },
    { image = [0.4969, 0.6687], ground = [0.00, 12.19] },
    { image = [0.5594, 0.5188], ground = [0.00, 24.38] },
    { image = [0.6062, 0.4104], ground = [0.00, 36.58] },
    { image = [0.6406, 0.3271], ground = [0.00, 48.77] },
    { image = [0.8005, 0.9021], ground = [3.66, 0.00] },
    { image = [0.8305, 0.5188], ground = [3.66, 24.38] },
    { image = [0.8456, 0.3271], ground = [3.66, 48.77] },
]
"""  # the urban fixture's calibration (fixtures/traffic-urban)


def _speeds_site(tmp_path: Path, calibrated: bool) -> tuple[Path, str]:
    """The example's counting line with the stop line as its origin; its camera calibrated or not. The
    store holds 12 light vehicles A->B at 09:00: 10 measured at 30, 32, ... 48 km/h (mean 39, V85 the
    9th of 10: 46), 2 not measured; 9 of them came from the stop line."""
    path = write_box_site(tmp_path)
    text = edited(path.read_text(), "interval_s = 900\n", 'interval_s = 900\norigins = ["Stop line"]\n')
    path.write_text(text + (GROUND if calibrated else ""))
    site = load_site_config(path)
    (point,) = counting_points(site)
    batch = StatisticsBatch()
    batch.add_analysed(point.camera_id, NINE, NINE + 3600)
    key = (point.camera_id, point.line, NINE, point.interval_s, "car", "A->B")
    for n, kmh in enumerate([*range(30, 50, 2), None, None]):
        batch.crossings[key] += 1
        if calibrated:
            batch.add_speed(key, "VL", kmh)
        else:
            batch.add_speed(key, "VL", None)
        batch.add_movement(key, "VL", "Stop line" if n < 9 else None)
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()
    return path, point.id


@pytest.mark.parametrize("calibrated", [True, False])
async def test_speeds_v85_and_movements_of_the_day_and_an_uncalibrated_camera_says_it_has_none(
    tmp_path: Path, calibrated: bool
) -> None:
    path, _ = _speeds_site(tmp_path, calibrated)
    async with running_box(path) as (server, _):
        server.context.clock = lambda: NOW
        viewer, _ = await session(server.url.rstrip("/"), "victor")
        page = (await viewer.get("/traffic")).text
        await viewer.aclose()
    # Direction, vehicles, share measured, mean, V85.
    if calibrated:
        assert _cells(page, "speeds", "VL") == ["A->B", "12", "83 %", "39.0", "46"]
        assert 'id="no-speeds"' not in page
    else:
        assert _cells(page, "speeds", "VL") == ["A->B", "12", "0 %", "–", "–"]
        assert "This camera has no ground calibration: it measures no speed" in page
    assert _cells(page, "movements", "Stop line") == ["A->B", "VL", "9"]
    assert _cells(page, "movements", "no origin line") == ["A->B", "VL", "3"]

    # The monthly report: the same figures over March.
    site = load_site_config(path)
    store = StatisticsStore(site.counting.store_path)
    try:
        report = gather(
            site, store, AuditTrail(site.audit.path), None, Month(2026, 3), datetime.fromtimestamp(NOW, UTC)
        )
    finally:
        store.close()
    html = render_html(report, "en")
    if calibrated:
        assert (
            '<td>light vehicles</td><td>A-&gt;B</td><td class="n">12</td><td class="n">83.3 %</td>'
            '<td class="n">39.0</td><td class="n">46</td>'
        ) in html
    else:
        assert "the camera has no ground calibration: no speed is measured" in html
    assert '<td>Stop line</td><td>A-&gt;B</td><td>light vehicles</td><td class="n">9</td>' in html
