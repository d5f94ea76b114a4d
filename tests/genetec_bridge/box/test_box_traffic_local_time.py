"""The box's traffic page and export on the day Europe/Paris puts its clocks back (25 October 2026: 25
hours), over a real socket: the page lists the 25 local hours, the repeated one twice with its offset,
and the export's hours are the same, written with their offsets."""

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from tests.support.box_site import PASSWORDS, running_box, write_box_site

pytestmark = pytest.mark.integration

DAY = "2026-10-25"


def _fill(path: Path) -> None:
    """The day analysed whole, a car A->B at the start of each of its 25 local hours."""
    site = load_site_config(path)
    assert site.counting.timezone == "Europe/Paris", "the example's time zone"
    (point,) = counting_points(site)
    start = datetime.fromisoformat(f"{DAY}T00:00+02:00").timestamp()
    end = datetime.fromisoformat("2026-10-26T00:00+01:00").timestamp()
    batch = StatisticsBatch()
    batch.add_analysed(point.camera_id, start, end)
    for hour in range(25):
        batch.crossings[
            (point.camera_id, point.line, start + hour * 3600.0, point.interval_s, "car", "A->B")
        ] += 1
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()


async def test_the_page_and_the_export_show_the_25_local_hours(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    _fill(path)
    async with running_box(path) as (server, _), httpx.AsyncClient(base_url=server.url.rstrip("/")) as viewer:
        form = await viewer.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        await viewer.post(
            "/login", data={"user": "victor", "password": PASSWORDS["victor"], "csrf_token": token}
        )

        page = await viewer.get("/traffic", params={"day": DAY})
        assert page.status_code == 200, page.text
        profile = page.text[page.text.index('id="profile"') : page.text.index('id="weeks"')]
        hours = re.findall(
            r'<th scope="row">(\d\d:\d\d)–(\d\d:\d\d) <small>\(UTC([+-]\d\d:\d\d)\)</small>', profile
        )
        assert len(hours) == 25
        assert hours[2:4] == [("02:00", "02:00", "+02:00"), ("02:00", "03:00", "+01:00")]
        assert "Europe/Paris" in page.text

        export = await viewer.get(
            "/traffic/export", params={"from": DAY, "to": "2026-10-26", "period": "hour"}
        )
        assert export.status_code == 200, export.text
        with zipfile.ZipFile(io.BytesIO(export.content)) as zipped:
            rows = list(
                csv.DictReader(io.StringIO(zipped.read(f"comptages-{DAY}-2026-10-26-hour.csv").decode()))
            )
    forward = [r for r in rows if r["sens"] == "A->B" and r["categorie"] == "VL"]
    assert [r["valeur"] for r in forward] == ["1"] * 25
    assert [r["debut"][11:] for r in forward[2:4]] == ["02:00:00+02:00", "02:00:00+01:00"]
