"""Speeds (mean, V85, share measured) and turning movements per interval, category and direction: from
the counting events through the live counts into the store, read back, rolled up and exported (CSV and
DATEX II), against figures computed by hand."""

import csv
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from analytics.events import AnalyticsEvent, Evidence
from analytics.link.link_messages import FrameResult
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.datex2 import NSMAP, ROA
from genetec_bridge.counting.export_files import write_exports
from genetec_bridge.counting.live_counts import LiveCounts
from genetec_bridge.counting.series import HOUR_S, counting_points, measures, roll_up
from genetec_bridge.counting.store import StatisticsStore
from tests.support.published_schemas import datex2_schema
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site
from tests.support.synthetic_week import CAMERA, LINE

NS = {prefix: namespace for prefix, namespace in NSMAP.items() if prefix != "d2"}
ORIGIN = "Stop line"  # the example camera's other line, an origin of its counting line here


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-02T{clock}+00:00")


@pytest.fixture
def site(tmp_path, monkeypatch) -> SiteConfig:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    text = edited(example_text(), '# store_path = "statistics.sqlite3"', 'store_path = "stats.sqlite3"')
    text = edited(text, "interval_s = 900\n", f'interval_s = 900\norigins = ["{ORIGIN}"]\n')
    return load_site_config(write_site(tmp_path, text))


def crossing(n: int, when: datetime, class_name: str, **evidence: object) -> AnalyticsEvent:
    return AnalyticsEvent(
        id=f"cross-{n}",
        kind="line_cross",
        skill=f"counting:{LINE}",
        phase="instant",
        camera=CAMERA,
        line=LINE,
        class_name=class_name,
        track_id=n,
        frame=1,
        time_s=0.0,
        timestamp=when,
        evidence=Evidence(direction="A->B", **evidence),  # type: ignore[arg-type]
    )


def crossings() -> list[AnalyticsEvent]:
    """08:00-08:15 UTC: 20 light vehicles timed between the lines at 30 to 49 km/h, 12 of them from the
    stop line; 2 with no speed; a lorry measured along its track at 52.4 km/h and a car the camera's
    calibration makes a PL at 60, both from the stop line. 08:15-08:30: 5 light vehicles at 70 km/h."""
    first, second = at("08:05:00"), at("08:20:00")
    events = [
        crossing(
            n, first, "car", french_class="VL", line_speed_kmh=30.0 + n, origin=ORIGIN if n < 12 else None
        )
        for n in range(20)
    ]
    events += [crossing(20 + n, first, "car") for n in range(2)]
    events.append(crossing(22, first, "truck", french_class="PL", speed_kmh=52.4, origin=ORIGIN))
    events.append(
        crossing(23, first, "car", french_class="PL", speed_kmh=61.0, line_speed_kmh=60.0, origin=ORIGIN)
    )
    events += [crossing(24 + n, second, "car", french_class="VL", line_speed_kmh=70.0) for n in range(5)]
    return events


def _store(site: SiteConfig) -> StatisticsStore:
    counts, store = LiveCounts(site), StatisticsStore(site.counting.store_path)
    events = crossings()
    frame = at("08:00:00")
    while frame <= at("09:00:00"):
        here = [e for e in events if e.timestamp == frame]
        counts.add(
            FrameResult(camera=CAMERA, frame=1, time_s=0.0, captured_at=frame, events=here, inference_s=0.01)
        )
        frame += timedelta(seconds=1)
    store.commit(counts.take())
    return store


def test_speeds_and_movements_per_interval_and_rolled_up(site) -> None:
    store = _store(site)
    (point,) = counting_points(site)
    quarters = measures(store, point, at("08:00:00").timestamp(), at("09:00:00").timestamp())

    light = quarters[0].speed("VL", "A->B")
    assert (light.vehicles, light.measured, light.v85_kmh) == (22, 20, 46)  # rank ceil(0.85 x 20) = 17th
    assert light.mean_kmh == pytest.approx(39.5)
    assert light.measured_share == pytest.approx(20 / 22)
    heavy = quarters[0].speed("PL", "A->B")
    assert (heavy.vehicles, heavy.measured, heavy.v85_kmh) == (2, 2, 60), "the line speed, not the track's"
    assert heavy.mean_kmh == pytest.approx(56.2)
    none = quarters[0].speed("VL", "B->A")
    assert (none.vehicles, none.mean_kmh, none.v85_kmh, none.measured_share) == (0, None, None, 0.0)
    assert quarters[0].movements == {
        ("VL", ORIGIN, "A->B"): 12,
        ("VL", "", "A->B"): 10,
        ("PL", ORIGIN, "A->B"): 2,
    }

    (hour,) = roll_up(quarters, HOUR_S)
    rolled = hour.speed("VL", "A->B")
    assert (rolled.vehicles, rolled.measured, rolled.v85_kmh) == (27, 25, 70)  # 22nd of 25
    assert rolled.mean_kmh == pytest.approx((sum(range(30, 50)) + 5 * 70) / 25)
    assert sum(hour.movements.values()) == hour.total() == 29
    store.close()


def test_the_csv_export_carries_speeds_and_the_turning_movements(site, tmp_path) -> None:
    store = _store(site)
    (point,) = counting_points(site)
    start, end = at("08:00:00").timestamp(), at("09:00:00").timestamp()
    files = write_exports(tmp_path / "out", store, [point], start, end, HOUR_S, "h", ("csv",))
    store.close()
    speeds_file, movements_file = files[-2:]
    assert (speeds_file.name, movements_file.name) == ("vitesses-h.csv", "mouvements-h.csv")

    speeds = {
        (r["sens"], r["categorie"], r["mesure"]): r
        for r in csv.DictReader(speeds_file.open(encoding="utf-8"))
    }
    assert len(speeds) == 2 * 4 * 3  # directions x (VL, PL, 2RM, velo) x (mean, V85, share)
    assert speeds[("A->B", "VL", "vitesse_moyenne")]["valeur"] == "45.6"
    assert speeds[("A->B", "VL", "v85")]["valeur"] == "70"
    assert speeds[("A->B", "VL", "part_mesuree")]["valeur"] == "0.9259"  # 25 of 27
    assert speeds[("A->B", "PL", "v85")]["valeur"] == "60"
    assert speeds[("B->A", "VL", "v85")]["valeur"] == "", "no vehicle measured: no speed"
    assert speeds[("A->B", "VL", "v85")]["debut"] == "2026-03-02T09:00:00+01:00"

    movements = list(csv.DictReader(movements_file.open(encoding="utf-8")))
    assert len(movements) == 2 * 2 * 4  # origins (none, the stop line) x directions x categories
    matrix = {(r["origine"], r["sens"], r["categorie"]): int(r["valeur"]) for r in movements}
    assert matrix[(ORIGIN, "A->B", "VL")] == 12
    assert matrix[("aucune", "A->B", "VL")] == 15
    assert matrix[(ORIGIN, "A->B", "PL")] == 2
    counts = list(csv.DictReader(files[1].open(encoding="utf-8")))
    total = sum(int(r["valeur"]) for r in counts if r["categorie"] == "TV")
    assert sum(matrix.values()) == total == 29, "every crossing counted is in the matrix"


def _publication(site: SiteConfig, tmp_path, start: str, end: str) -> etree._ElementTree:
    store = _store(site)
    (point,) = counting_points(site)
    published = datetime(2026, 3, 2, 10, tzinfo=UTC)
    (file,) = write_exports(
        tmp_path / start,
        store,
        [point],
        at(start).timestamp(),
        at(end).timestamp(),
        HOUR_S,
        "h",
        ("datex2",),
        published,
    )
    store.close()
    assert file.name == "datex2-h.xml"
    return etree.parse(file)


def test_the_datex2_publication_passes_the_official_schema_with_flows_and_speeds(site, tmp_path) -> None:
    schema = datex2_schema()
    document = _publication(site, tmp_path, "08:00:00", "09:00:00")
    schema.assertValid(document)

    (forward,) = document.xpath(
        "//roa:siteMeasurements[roa:measurementSiteReference/@id = $id]",
        namespaces=NS,
        id=f"{CAMERA}:{LINE}:A->B",
    )
    assert forward.xpath("string(.//com:startOfPeriod)", namespaces=NS) == "2026-03-02T09:00:00+01:00"

    def value(kind: str, vehicle: str) -> tuple[str, str]:
        (data,) = forward.xpath(
            f".//roa:basicData[@xsi:type = 'roa:{kind}'][.//com:vehicleType = '{vehicle}']", namespaces=NS
        )
        (figure,) = data.xpath("roa:vehicleFlow | roa:averageVehicleSpeed", namespaces=NS)
        return figure.get("numberOfInputValuesUsed"), figure[0].text

    assert value("TrafficFlow", "car") == ("28", "28")  # vehicles counted, vehicles per hour over the hour
    assert value("TrafficFlow", "lorry") == ("1", "1")
    assert value("TrafficSpeed", "car") == ("25", "45.6")  # VL: measured vehicles, mean km/h
    assert value("TrafficSpeed", "lorry") == ("2", "56.2")
    flows = document.xpath("//roa:basicData[@xsi:type = 'roa:TrafficFlow']/roa:vehicleFlow", namespaces=NS)
    assert sum(int(flow.get("numberOfInputValuesUsed")) for flow in flows) == 29, "every crossing published"
    assert {flow.get("supplierCalculatedDataQuality") for flow in flows} == {"100"}

    vehicle = document.find(f".//{{{NSMAP['com']}}}vehicleType")
    vehicle.text = "VL"  # the French category, not a DATEX II vehicle type
    assert not schema.validate(document), "the official enumeration of vehicle types is checked"
    vehicle.text = "car"
    header = document.getroot().find(f"{{{ROA}}}headerInformation")
    header.getparent().remove(header)
    assert not schema.validate(document), "the schema is no rubber stamp: a publication without header fails"


def test_a_datex2_publication_of_nothing_analysed_is_still_valid_and_has_no_values(site, tmp_path) -> None:
    schema = datex2_schema()
    document = _publication(site, tmp_path, "12:00:00", "13:00:00")  # after the hour fed: never analysed
    schema.assertValid(document)
    assert len(document.xpath("//roa:siteMeasurements", namespaces=NS)) == 2
    assert not document.xpath("//roa:physicalQuantity", namespaces=NS)
