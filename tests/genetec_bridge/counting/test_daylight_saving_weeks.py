"""The two weeks of 2026 whose Sunday changes the clocks in Europe/Paris (29 March: 23 hours; 25 October:
25 hours), fed through the live counts into the store, read back as the store's series, the exports,
the box's views and the monthly report, each checked against values computed by hand in local time.

The pattern, in local time, every day: a car A->B at :05 of every hour (twice in the repeated hour of
25 October, never in the skipped one of 29 March), a bus A->B at 08:50, a motorcycle B->A at 00:30 (the
previous day in UTC: a UTC day would put it there). The camera is analysed without a break: a frame
every 10 s, at its configured 0.1 fps.
"""

import csv
import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analytics.events import AnalyticsEvent, Evidence
from analytics.link.link_messages import FrameResult
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.cli import main
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting import traffic_views
from genetec_bridge.counting.exports import counts_csv, ngsi_ld
from genetec_bridge.counting.live_counts import LiveCounts
from genetec_bridge.counting.series import DAY_S, HOUR_S, CountingPoint, counting_points, measures, roll_up
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.render import render_html
from tests.support.published_schemas import published
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site
from tests.support.synthetic_week import CAMERA, LINE

PARIS = ZoneInfo("Europe/Paris")
MARCH_WEEK = date(2026, 3, 23)  # Monday; Sunday 29 March has 23 hours
OCTOBER_WEEK = date(2026, 10, 19)  # Monday; Sunday 25 October has 25 hours
FRAME_S = 10


def local(text: str) -> float:
    """Epoch seconds of a local time written with its offset, e.g. 2026-03-29T03:00+02:00."""
    return datetime.fromisoformat(text).timestamp()


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS)


def crossings_at(moment: datetime) -> list[tuple[str, str]]:
    at = moment.astimezone(PARIS)
    if at.second:
        return []
    return [
        crossing
        for crossing, when in (
            (("car", "A->B"), at.minute == 5),
            (("bus", "A->B"), (at.hour, at.minute) == (8, 50)),
            (("motorcycle", "B->A"), (at.hour, at.minute) == (0, 30)),
        )
        if when
    ]


def _event(when: datetime, class_name: str, direction: str) -> AnalyticsEvent:
    return AnalyticsEvent(
        id=f"cross-{when.timestamp()}-{class_name}",
        kind="line_cross",
        skill=f"counting:{LINE}",
        phase="instant",
        camera=CAMERA,
        line=LINE,
        class_name=class_name,
        track_id=1,
        frame=1,
        time_s=0.0,
        timestamp=when,
        evidence=Evidence(direction=direction),
    )


def _feed(site: SiteConfig, store: StatisticsStore, monday: date) -> None:
    counts = LiveCounts(site)
    when, end = midnight(monday), midnight(monday + timedelta(days=7))
    while when <= end:
        events = [_event(when, *crossing) for crossing in crossings_at(when)]
        counts.add(
            FrameResult.model_construct(
                camera=CAMERA,
                frame=1,
                time_s=0.0,
                captured_at=when,
                events=events,
                inference_s=0.01,
                dropped=0,
            )
        )
        if when.minute == 0 and when.second == 0:
            store.commit(counts.take())
        when = datetime.fromtimestamp(when.timestamp() + FRAME_S, PARIS)
    store.commit(counts.take())


@pytest.fixture(scope="module")
def weeks(tmp_path_factory) -> tuple[SiteConfig, StatisticsStore]:
    directory = tmp_path_factory.mktemp("dst")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, "example-password")
        text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
        text = edited(
            text, 'name = "Carrefour Jean-Jaures"\nfps = 10', 'name = "Carrefour Jean-Jaures"\nfps = 0.1'
        )
        site = load_site_config(write_site(directory, text))
    assert site.counting.timezone == "Europe/Paris", "the example's time zone"
    store = StatisticsStore(site.counting.store_path)
    _feed(site, store, MARCH_WEEK)
    _feed(site, store, OCTOBER_WEEK)
    return site, store


@pytest.fixture(scope="module")
def point(weeks) -> CountingPoint:
    (found,) = counting_points(weeks[0])
    return found


def _hours(store: StatisticsStore, point: CountingPoint, day: date) -> list:
    start, end = midnight(day).timestamp(), midnight(day + timedelta(days=1)).timestamp()
    return roll_up(measures(store, point, start, end), HOUR_S)


def test_the_store_series_has_23_and_25_local_hours_on_the_change_days(weeks, point) -> None:
    _, store = weeks
    spring = _hours(store, point, date(2026, 3, 29))
    assert len(spring) == 23
    assert [h.start for h in spring[1:3]] == [
        local("2026-03-29T01:00+01:00"),
        local("2026-03-29T03:00+02:00"),
    ]
    assert all(h.coverage == 1.0 for h in spring)
    assert spring[0].counts == {("car", "A->B"): 1, ("motorcycle", "B->A"): 1}
    eight = next(h for h in spring if h.start == local("2026-03-29T08:00+02:00"))
    assert eight.counts == {("car", "A->B"): 1, ("bus", "A->B"): 1}
    assert sum(h.counts[("car", "A->B")] for h in spring) == 23

    autumn = _hours(store, point, date(2026, 10, 25))
    assert len(autumn) == 25
    assert [h.start for h in autumn[2:4]] == [
        local("2026-10-25T02:00+02:00"),
        local("2026-10-25T02:00+01:00"),
    ]
    assert [h.counts for h in autumn[2:4]] == [{("car", "A->B"): 1}] * 2, "each 02:00 hour has its car"
    assert all(h.end - h.start == HOUR_S and h.coverage == 1.0 for h in autumn)

    weekly = roll_up(
        measures(store, point, midnight(MARCH_WEEK).timestamp(), local("2026-03-30T00:00+02:00")), DAY_S
    )
    assert [d.end - d.start for d in weekly] == [DAY_S] * 6 + [23 * HOUR_S]
    assert [d.counts[("car", "A->B")] for d in weekly] == [24] * 6 + [23]
    assert [d.counts[("motorcycle", "B->A")] for d in weekly] == [1] * 7, "00:30 local is in its own day"
    assert [d.coverage for d in weekly] == [1.0] * 7


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_exports_write_local_times_with_their_offset(weeks, point) -> None:
    _, store = weeks
    rows = rows_of(counts_csv(_hours(store, point, date(2026, 3, 29))))
    assert len(rows) == 23 * 2 * 5  # TV, VL, PL, 2RM, velo both ways
    bus = [r for r in rows if r["debut"] == "2026-03-29T08:00:00+02:00" and r["categorie"] == "PL"]
    assert [(r["sens"], r["valeur"], r["fin"]) for r in bus] == [
        ("A->B", "1", "2026-03-29T09:00:00+02:00"),
        ("B->A", "0", "2026-03-29T09:00:00+02:00"),
    ]
    assert {r["debut"] for r in rows} >= {"2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"}
    assert not any(r["debut"].startswith("2026-03-29T02") for r in rows), "02:00 does not exist that day"

    autumn = _hours(store, point, date(2026, 10, 25))
    twice = [
        e
        for e in ngsi_ld(autumn)
        if e["vehicleType"]["value"] == "car"
        and e["laneDirection"]["value"] == "forward"
        and "T02:00" in e["id"]
    ]
    assert sorted(e["dateObserved"]["value"] for e in twice) == [
        "2026-10-25T02:00:00+01:00/2026-10-25T03:00:00+01:00",
        "2026-10-25T02:00:00+02:00/2026-10-25T02:00:00+01:00",
    ]


def test_the_change_weeks_pass_the_published_schemas_in_local_hours_and_days(weeks, point) -> None:
    """The official DATEX II 3.7 and TrafficFlowObserved schemas over both weeks, by local hour and day
    (the 23- and 25-hour days among them), every vehicle counted published."""
    _, store = weeks
    # A car an hour, a bus and a motorcycle a day; the Sunday of March has one hour less, October's one more.
    vehicles = {MARCH_WEEK: 7 * (24 + 2) - 1, OCTOBER_WEEK: 7 * (24 + 2) + 1}
    for monday in (MARCH_WEEK, OCTOBER_WEEK):
        start, end = midnight(monday).timestamp(), midnight(monday + timedelta(days=7)).timestamp()
        for period in (HOUR_S, DAY_S):
            series = roll_up(measures(store, point, start, end), period)
            found = published(series, point, datetime.fromtimestamp(end, PARIS))
            assert (found.ngsi_ld_faults, found.datex2_faults) == ({}, []), (monday, period)
            assert found.ngsi_ld_intensity == found.datex2_flows == found.counted == vehicles[monday]


def test_the_command_line_exports_local_days(weeks, tmp_path, monkeypatch) -> None:
    site, _ = weeks
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    config = site.counting.store_path.parent / "site.toml"
    command = ["counts", "export", "--config", str(config), "--format", "csv", "--period", "day"]

    assert main([*command, "--from", "2026-10-24", "--to", "2026-10-27", "--out", str(tmp_path)]) == 0
    rows = rows_of((tmp_path / "comptages-2026-10-24-2026-10-27-day.csv").read_text())
    forward = [r for r in rows if r["sens"] == "A->B" and r["categorie"] == "TV"]
    assert [(r["debut"], r["periode_s"], r["valeur"]) for r in forward] == [
        ("2026-10-24T00:00:00+02:00", "86400", "25"),  # 24 cars and the bus
        ("2026-10-25T00:00:00+02:00", "90000", "26"),
        ("2026-10-26T00:00:00+01:00", "86400", ""),  # after the week: never analysed, missing
    ]

    assert main([*command, "--from", "2026-03-29", "--to", "2026-03-30", "--out", str(tmp_path)]) == 0
    (day,) = [
        r
        for r in rows_of((tmp_path / "comptages-2026-03-29-2026-03-30-day.csv").read_text())
        if r["sens"] == "B->A" and r["categorie"] == "2RM"
    ]
    assert (day["debut"], day["fin"], day["periode_s"], day["valeur"], day["couverture"]) == (
        "2026-03-29T00:00:00+01:00",
        "2026-03-30T00:00:00+02:00",
        "82800",
        "1",
        "1.0",
    )


def test_the_box_views_show_local_hours_and_days(weeks, point) -> None:
    _, store = weeks
    spring = traffic_views.daily_profile(store, point, date(2026, 3, 29))
    assert len(spring["hours"]) == 23
    assert spring["hours"][7] == {
        "start": "2026-03-29T08:00:00+02:00",
        "end": "2026-03-29T09:00:00+02:00",
        "coverage": 1.0,
        "counts": {"VL": 1, "PL": 1, "2RM": 0, "velo": 0},
    }
    autumn = traffic_views.daily_profile(store, point, date(2026, 10, 25))
    assert [h["start"][11:] for h in autumn["hours"][1:5]] == [
        "01:00:00+02:00",
        "02:00:00+02:00",
        "02:00:00+01:00",
        "03:00:00+01:00",
    ]
    assert sum(h["counts"]["VL"] for h in autumn["hours"]) == 25

    weeks_view = traffic_views.week_over_week(store, point, OCTOBER_WEEK)
    assert [d["counts"]["VL"] for d in weeks_view["this_week"]] == [24] * 6 + [25]
    assert [d["start"][:10] for d in weeks_view["this_week"]][-1] == "2026-10-25"
    split = traffic_views.direction_split(
        store, point, midnight(date(2026, 3, 29)), midnight(date(2026, 3, 30))
    )
    assert split["directions"] == {
        "A->B": {"VL": 23, "PL": 1, "2RM": 0, "velo": 0},
        "B->A": {"VL": 0, "PL": 0, "2RM": 1, "velo": 0},
    }
    assert split["coverage"] == 1.0


def test_the_monthly_report_has_the_local_month_days_and_hours(weeks, tmp_path) -> None:
    site, store = weeks
    report = gather(
        site,
        store,
        AuditTrail(tmp_path / "audit.jsonl"),
        None,
        Month.parse("2026-03"),
        datetime(2026, 4, 2, tzinfo=PARIS),
    )
    (traffic,) = report.traffic
    assert report.zone == PARIS
    assert len(traffic.days) == 31
    assert traffic.days[0].start == local("2026-03-01T00:00+01:00")
    assert traffic.days[28].end - traffic.days[28].start == 23 * HOUR_S
    assert traffic.days[-1].end == local("2026-04-01T00:00+02:00")
    month_hours = 31 * 24 - 1
    assert traffic.coverage == pytest.approx((7 * 24 - 1) / month_hours)
    assert traffic.totals[("VL", "A->B")] == 7 * 24 - 1
    assert traffic.totals[("PL", "A->B")] == 7
    # A car every analysed hour; the bus at 08 and the motorcycle at 00, local: in UTC they would be at
    # 07 and 23 before the change and 06 and 22 after it.
    assert traffic.hourly_profile["VL"] == pytest.approx([1.0] * 24)
    assert traffic.hourly_profile["PL"] == pytest.approx([1.0 if h == 8 else 0.0 for h in range(24)])
    assert traffic.hourly_profile["2RM"] == pytest.approx([1.0 if h == 0 else 0.0 for h in range(24)])

    html = render_html(report, "en")
    assert "Europe/Paris" in html
    assert "<td>2026-03-29</td>" in html and "<td>2026-03-31</td>" in html
    assert "<td>2026-02-28</td>" not in html
    json.dumps(traffic.hourly_profile)
