"""A week of crossings with an outage, through the live counts into the store: intervals, roll-ups,
coverage and both exports checked against values computed by hand from the pattern in synthetic_week."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from genetec_bridge.cli import main
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting import traffic_views
from genetec_bridge.counting.exports import counts_csv, ngsi_ld, points_csv
from genetec_bridge.counting.series import DAY_S, HOUR_S, CountingPoint, counting_points, measures, roll_up
from genetec_bridge.counting.store import StatisticsStore
from tests.support.published_schemas import ngsi_ld_errors, published
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, in_utc, write_site
from tests.support.synthetic_week import CAMERA, END, LINE, START, week_store_copy

POINT = f"{CAMERA}:{LINE}"


def ts(text: str) -> float:
    return datetime.fromisoformat(f"{text}+00:00").timestamp()


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> tuple[SiteConfig, StatisticsStore]:
    directory = tmp_path_factory.mktemp("week")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, "example-password")
        text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
        site = load_site_config(write_site(directory, in_utc(text)))
    week_store_copy(site, site.counting.store_path)
    # Read back through a new connection: what was committed, not what a process held.
    return site, StatisticsStore(site.counting.store_path)


@pytest.fixture(scope="module")
def point(week) -> CountingPoint:
    (found,) = counting_points(week[0])
    return found


@pytest.fixture(scope="module")
def quarter_hours(week, point):
    return measures(week[1], point, START.timestamp(), END.timestamp())


def by_start(series):
    return {datetime.fromtimestamp(m.start, UTC).strftime("%Y-%m-%d %H:%M"): m for m in series}


def test_the_counting_point_is_the_example_line_with_its_location(point) -> None:
    assert point.id == POINT
    assert point.interval_s == 900
    assert point.categories == ("VL", "PL", "2RM", "velo")
    assert point.location == (2.3522, 48.8566)


def test_every_quarter_hour_of_the_week_is_there_with_its_counts_and_coverage(quarter_hours) -> None:
    assert len(quarter_hours) == 7 * 96
    q = by_start(quarter_hours)
    assert q["2026-03-02 08:00"].counts == {("car", "A->B"): 1}
    assert q["2026-03-02 08:15"].counts == {("truck", "B->A"): 1}
    assert q["2026-03-02 08:45"].counts == {("bus", "A->B"): 1}
    assert q["2026-03-02 08:45"].coverage == 1.0
    assert q["2026-03-02 12:00"].counts == {("car", "A->B"): 1, ("bicycle", "A->B"): 1}
    assert q["2026-03-08 23:45"].coverage == 1.0, "the last quarter of the week is whole"


def test_the_outage_is_missing_data_not_zero_traffic(quarter_hours) -> None:
    q = by_start(quarter_hours)
    # Down from 10:20 to 11:40: 10:15-10:30 analysed 5 of 15 min, 10:30 to 11:30 not at all, 11:30-11:45 5 min.
    assert q["2026-03-04 10:00"].coverage == 1.0
    assert q["2026-03-04 10:15"].coverage == pytest.approx(1 / 3)
    assert q["2026-03-04 10:15"].counts == {}, "the truck of 10:25 passed while the camera was down"
    for start in ("10:30", "10:45", "11:00", "11:15"):
        assert q[f"2026-03-04 {start}"].coverage == 0.0
        assert q[f"2026-03-04 {start}"].counts == {}
    assert q["2026-03-04 11:30"].coverage == pytest.approx(1 / 3)
    assert q["2026-03-04 11:45"].coverage == 1.0


def test_hourly_and_daily_roll_ups(quarter_hours) -> None:
    hours = by_start(roll_up(quarter_hours, HOUR_S))
    assert len(hours) == 7 * 24
    assert hours["2026-03-02 08:00"].counts == {("car", "A->B"): 1, ("truck", "B->A"): 1, ("bus", "A->B"): 1}
    assert hours["2026-03-04 10:00"].coverage == pytest.approx(1 / 3)
    assert hours["2026-03-04 10:00"].counts == {("car", "A->B"): 1}
    assert hours["2026-03-04 11:00"].coverage == pytest.approx(1 / 3)
    assert hours["2026-03-04 11:00"].counts == {}

    days = by_start(roll_up(quarter_hours, DAY_S))
    assert len(days) == 7
    monday = days["2026-03-02 00:00"]
    assert monday.coverage == 1.0
    assert monday.counts == {
        ("car", "A->B"): 24,
        ("truck", "B->A"): 24,
        ("bus", "A->B"): 3,
        ("bicycle", "A->B"): 1,
        ("motorcycle", "B->A"): 1,
    }
    wednesday = days["2026-03-04 00:00"]
    assert wednesday.coverage == pytest.approx((86400 - 80 * 60) / 86400)
    assert wednesday.counts[("car", "A->B")] == 23
    assert wednesday.counts[("truck", "B->A")] == 22
    assert sum(day.counts[("car", "A->B")] for day in days.values()) == 7 * 24 - 1


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_open_data_csv_has_one_measure_per_row_keyed_by_the_point(quarter_hours, point) -> None:
    rows = rows_of(counts_csv(quarter_hours))
    # 5 categories (TV, VL, PL, 2RM, velo) x 2 directions per quarter hour.
    assert len(rows) == 7 * 96 * 10
    assert {row["idmes"] for row in rows} == {POINT}

    def row(start: str, direction: str, category: str) -> dict[str, str]:
        (found,) = [
            r
            for r in rows
            if r["debut"] == f"{start}:00+00:00" and r["sens"] == direction and r["categorie"] == category
        ]
        return found

    assert row("2026-03-02T08:45", "A->B", "PL") == {
        "idmes": POINT,
        "debut": "2026-03-02T08:45:00+00:00",
        "fin": "2026-03-02T09:00:00+00:00",
        "periode_s": "900",
        "sens": "A->B",
        "categorie": "PL",
        "mesure": "debit",
        "valeur": "1",
        "couverture": "1.0",
    }
    assert row("2026-03-02T08:45", "A->B", "TV")["valeur"] == "1"
    assert row("2026-03-02T08:45", "B->A", "VL")["valeur"] == "0", "analysed, nothing passed: zero"
    assert row("2026-03-04T10:15", "B->A", "PL")["valeur"] == "0"
    assert row("2026-03-04T10:15", "B->A", "PL")["couverture"] == "0.3333"
    assert row("2026-03-04T10:30", "A->B", "TV")["valeur"] == "", "not analysed: missing, not zero"
    assert row("2026-03-04T10:30", "A->B", "TV")["couverture"] == "0.0"

    (described,) = rows_of(points_csv([point]))
    assert described == {
        "idmes": POINT,
        "libelle": f"Carrefour Jean-Jaures - {LINE}",
        "camera": CAMERA,
        "ligne": LINE,
        "x": "2.3522",
        "y": "48.8566",
        "segment_image": "0.3 0.4 0.7 0.4",
    }


def test_the_daily_csv_carries_totals_and_the_day_coverage(quarter_hours) -> None:
    rows = rows_of(counts_csv(roll_up(quarter_hours, DAY_S)))
    wednesday = {(r["sens"], r["categorie"]): r for r in rows if r["debut"].startswith("2026-03-04")}
    assert wednesday[("A->B", "TV")]["valeur"] == "26"  # 23 cars + 3 buses
    assert wednesday[("B->A", "TV")]["valeur"] == "23"  # 22 trucks + 1 motorcycle
    assert wednesday[("B->A", "2RM")]["valeur"] == "1"
    assert wednesday[("A->B", "velo")]["valeur"] == "1"
    assert wednesday[("A->B", "TV")]["couverture"] == "0.9444"
    assert wednesday[("A->B", "TV")]["periode_s"] == "86400"


def test_ngsi_ld_entities_leave_out_what_was_not_observed(quarter_hours) -> None:
    entities = ngsi_ld(quarter_hours)
    # 7 x 96 quarters less the 4 never analysed, x 2 directions x 5 vehicle types.
    assert len(entities) == (7 * 96 - 4) * 2 * 5
    bus = next(
        e
        for e in entities
        if e["dateObservedFrom"]["value"]["@value"] == "2026-03-02T08:45:00+00:00"
        and e["vehicleType"]["value"] == "bus"
        and e["laneDirection"]["value"] == "forward"
    )
    assert bus["type"] == "TrafficFlowObserved"
    assert bus["intensity"] == {"type": "Property", "value": 1}
    assert bus["dateObserved"]["value"] == "2026-03-02T08:45:00+00:00/2026-03-02T09:00:00+00:00"
    assert bus["location"]["value"] == {"type": "Point", "coordinates": [2.3522, 48.8566]}
    assert bus["id"].startswith("urn:ngsi-ld:TrafficFlowObserved:")
    partial = [e for e in entities if e["dateObservedFrom"]["value"]["@value"] == "2026-03-04T10:15:00+00:00"]
    assert {e["observationCoverage"]["value"] for e in partial} == {0.3333}
    assert {e["intensity"]["value"] for e in partial} == {0}


def test_the_week_exports_pass_their_published_schemas_with_every_vehicle(point, quarter_hours) -> None:
    """The official DATEX II 3.7 and TrafficFlowObserved schemas, over the week (its outage included)."""
    week = published(quarter_hours, point, datetime(2026, 3, 9, tzinfo=UTC))
    assert week.ngsi_ld_faults == {}
    assert week.datex2_faults == []
    assert week.ngsi_ld_entities == (7 * 96 - 4) * 2 * 5
    assert week.counted > 0
    assert week.ngsi_ld_intensity == week.datex2_flows == week.counted, "every vehicle counted is published"


def test_the_published_ngsi_ld_schema_names_what_an_entity_gets_wrong(quarter_hours) -> None:
    entity = ngsi_ld(quarter_hours[:1])[0]
    assert ngsi_ld_errors(entity) == []
    entity["vehicleType"]["value"] = "person"  # no vehicle type of the model
    entity["laneDirection"]["value"] = "A->B"
    entity["intensity"]["value"] = -1
    entity["dateObservedTo"]["value"]["@value"] = "2026-03-02T00:15:00"  # no offset: not RFC 3339
    faults = ngsi_ld_errors(entity)
    assert sorted(fault.split(":")[0] for fault in faults) == [
        "dateObservedTo",
        "intensity",
        "laneDirection",
        "vehicleType",
    ]


def test_the_command_line_writes_both_exports(week, tmp_path, monkeypatch, capsys) -> None:
    site, _ = week
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    config = site.counting.store_path.parent / "site.toml"
    common = ["counts", "export", "--config", str(config), "--from", "2026-03-04", "--to", "2026-03-05"]

    assert main([*common, "--format", "csv", "--period", "hour", "--out", str(tmp_path)]) == 0
    hourly = rows_of((tmp_path / "comptages-2026-03-04-2026-03-05-hour.csv").read_text())
    assert len(hourly) == 24 * 10
    ten = {
        (r["sens"], r["categorie"]): r["valeur"] for r in hourly if r["debut"] == "2026-03-04T10:00:00+00:00"
    }
    assert ten[("A->B", "VL")] == "1"
    assert rows_of((tmp_path / "points-comptage.csv").read_text())[0]["idmes"] == POINT

    assert main([*common, "--format", "ngsi-ld", "--period", "day", "--out", str(tmp_path)]) == 0
    daily = json.loads((tmp_path / "trafficflowobserved-2026-03-04-2026-03-05-day.json").read_text())
    cars = [
        e for e in daily if e["vehicleType"]["value"] == "car" and e["laneDirection"]["value"] == "forward"
    ]
    assert [e["intensity"]["value"] for e in cars] == [23]
    assert str(tmp_path / "points-comptage.csv") in capsys.readouterr().out


def test_the_command_line_names_a_missing_store(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "absent.sqlite3"')
    config = write_site(tmp_path, text)

    assert (
        main(["counts", "export", "--config", str(config), "--from", "2026-03-04", "--to", "2026-03-05"]) == 1
    )
    assert "counting.store_path" in capsys.readouterr().err
    assert not (tmp_path / "absent.sqlite3").exists()


def test_the_box_traffic_views(week, point) -> None:
    site, store = week
    assert traffic_views.points(site)[0]["categories"] == ["VL", "PL", "2RM", "velo"]

    wednesday = traffic_views.daily_profile(store, point, date(2026, 3, 4))
    assert len(wednesday["hours"]) == 24
    assert wednesday["hours"][8] == {
        "start": "2026-03-04T08:00:00+00:00",
        "end": "2026-03-04T09:00:00+00:00",
        "coverage": 1.0,
        "counts": {"VL": 1, "PL": 2, "2RM": 0, "velo": 0},
    }
    assert wednesday["hours"][11]["coverage"] == 0.3333
    assert wednesday["hours"][11]["counts"] == {"VL": 0, "PL": 0, "2RM": 0, "velo": 0}

    weeks = traffic_views.week_over_week(store, point, date(2026, 3, 2))
    assert [day["counts"]["VL"] for day in weeks["this_week"]] == [24, 24, 23, 24, 24, 24, 24]
    assert [day["counts"] for day in weeks["previous_week"]] == [None] * 7, "never analysed: missing"

    split = traffic_views.direction_split(store, point, START, END)
    assert split["directions"]["A->B"] == {"VL": 167, "PL": 21, "2RM": 0, "velo": 7}
    assert split["directions"]["B->A"] == {"VL": 0, "PL": 166, "2RM": 7, "velo": 0}
    assert split["coverage"] == round((7 * 86400 - 4800) / (7 * 86400), 4)

    days = traffic_views.coverage(store, point, START, END, DAY_S)
    assert [day["coverage"] for day in days] == [1.0, 1.0, 0.9444, 1.0, 1.0, 1.0, 1.0]
    json.dumps([wednesday, weeks, split, days])  # JSON-ready as they are


def test_a_period_that_is_not_whole_intervals_is_refused_naming_the_key(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    text = edited(example_text(), "interval_s = 900", "interval_s = 420")
    text = edited(text, '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
    config = write_site(tmp_path, text)
    StatisticsStore(tmp_path / "stats.sqlite3").close()

    code = main(
        [
            "counts",
            "export",
            "--config",
            str(config),
            "--from",
            "2026-03-04",
            "--to",
            "2026-03-05",
            "--period",
            "hour",
        ]
    )

    assert code == 2
    assert "interval_s" in capsys.readouterr().err
