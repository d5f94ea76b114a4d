"""The counts as a DATEX II (version 3) MeasuredDataPublication: traffic flow and mean speed per counting
point and direction (a measurement site each), vehicle type and period, beside the Cerema CSV and NGSI-LD.

The publication is a `d2:payload` document. Each analysed period of a point gives, per direction, a
`siteMeasurements` whose `measurementTimeDefault` is the period (local times with their offset) and whose
physical quantities are:
- a TrafficFlow per detector class that is a vehicle (the NGSI-LD vehicle types: car, lorry, bus,
  motorcycle, bicycle): `vehicleFlowRate` in vehicles per hour, rounded, with the exact count in
  `numberOfInputValuesUsed`;
- a TrafficSpeed per category with a measured speed (VL as car, PL as lorry, buses included; 2RM as
  motorcycle; vélo as bicycle): `averageVehicleSpeed` in km/h over `numberOfInputValuesUsed` vehicles.
Every value carries the period's coverage as `supplierCalculatedDataQuality` (per cent of the period the
camera was analysed). A period never analysed has no siteMeasurements (nothing was observed); an export
with none at all lists each point's sites with no quantity, as DATEX II wants at least one.

The measurement sites are named `POINT:A->B` and `POINT:B->A` in a table `points-comptage`, described
by the CSV points file; no MeasurementSiteTablePublication is written. V85 and turning movements stay
in the CSV. Checked by the tests against the official DATEX II 3.7 XML schemas (d2Payload and all it
imports, vendored in the tests' support files with their source); not validated at run time: the writer
is deterministic and the tests drive each of its shapes (flows, speeds, a period not analysed, nothing).

Written a measure at a time (`write_publication`): an export of a year is never held whole.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from lxml import etree

from genetec_bridge.counting.categories import NGSI_VEHICLE_TYPE, Category
from genetec_bridge.counting.local_time import local_iso
from genetec_bridge.counting.series import DIRECTIONS, CountingPoint, Measure

D2 = "http://datex2.eu/schema/3/d2Payload"
COM = "http://datex2.eu/schema/3/common"
ROA = "http://datex2.eu/schema/3/roadTrafficData"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"d2": D2, "com": COM, "roa": ROA, "xsi": XSI}
SITE_TABLE = "points-comptage"
CREATOR = "genetec-bridge"
# DATEX II vehicle types of the categories whose speeds are published.
SPEED_VEHICLE_TYPE: dict[Category, str] = {"VL": "car", "PL": "lorry", "2RM": "motorcycle", "velo": "bicycle"}


def write_publication(
    file: BinaryIO, chunks: Iterable[list[Measure]], points: list[CountingPoint], published_at: datetime
) -> None:
    """The publication of the measures of `chunks` (each a list of measures), written as they come."""
    with etree.xmlfile(file, encoding="utf-8") as out:
        out.write_declaration()
        root = {f"{{{XSI}}}type": "roa:MeasuredDataPublication", "lang": "fr", "modelBaseVersion": "3"}
        with out.element(f"{{{D2}}}payload", root, nsmap=NSMAP):
            time = etree.Element(f"{{{COM}}}publicationTime")
            time.text = published_at.isoformat(timespec="seconds")
            creator = etree.Element(f"{{{COM}}}publicationCreator")
            _sub(creator, COM, "country", "fr")
            _sub(creator, COM, "nationalIdentifier", CREATOR)
            table = {"id": SITE_TABLE, "version": "1", "targetClass": "roa:MeasurementSiteTable"}
            header = etree.Element(f"{{{ROA}}}headerInformation")
            _sub(header, COM, "confidentiality", "noRestriction")
            _sub(header, COM, "informationStatus", "real")
            for element in (
                time,
                creator,
                etree.Element(f"{{{ROA}}}measurementSiteTableReference", table),
                header,
            ):
                _stream(out, element)
            written = 0
            for chunk in chunks:
                for measure in chunk:
                    for site in site_measurements(measure):
                        _stream(out, site)
                        written += 1
            if not written:
                for point in points:
                    for direction in DIRECTIONS:
                        _stream(
                            out, _site(point, direction, published_at.timestamp(), published_at.timestamp())
                        )


def site_measurements(measure: Measure) -> Iterator[etree._Element]:
    """The measure's siteMeasurements, one per direction; none when it was never analysed."""
    if not measure.analysed_s:
        return
    point, seconds = measure.point, measure.end - measure.start
    quality = f"{round(measure.coverage * 100, 2):g}"
    for direction in DIRECTIONS:
        quantities: list[tuple[str, str, dict[str, str], str, str]] = []
        for class_name in point.classes:
            vehicle_type = NGSI_VEHICLE_TYPE.get(class_name)
            if vehicle_type is not None:
                n = measure.counts.get((class_name, direction), 0)
                rate = f"{round(n * 3600 / seconds)}"
                quantities.append(("TrafficFlow", vehicle_type, _inputs(n, quality), "vehicleFlowRate", rate))
        for category, vehicle_type in SPEED_VEHICLE_TYPE.items():
            speeds = measure.speed(category, direction)
            if speeds.mean_kmh is not None:
                inputs = _inputs(speeds.measured, quality)
                quantities.append(("TrafficSpeed", vehicle_type, inputs, "speed", f"{speeds.mean_kmh:.1f}"))
        site = _site(point, direction, measure.start, measure.end)
        for index, (kind, vehicle_type, attributes, name, value) in enumerate(quantities, start=1):
            indexed = etree.Element(f"{{{ROA}}}physicalQuantity", {"index": str(index)})
            site.insert(index, indexed)  # after the site reference, before the time
            single = _sub(indexed, ROA, "physicalQuantity")
            single.set(f"{{{XSI}}}type", "roa:SinglePhysicalQuantity")
            data = _sub(single, ROA, "basicData")
            data.set(f"{{{XSI}}}type", f"roa:{kind}")
            _sub(_sub(data, ROA, "forVehiclesWithCharacteristicsOf"), COM, "vehicleType", vehicle_type)
            wrapper = "vehicleFlow" if kind == "TrafficFlow" else "averageVehicleSpeed"
            _sub(_sub(data, ROA, wrapper, attributes=attributes), COM, name, value)
        yield site


def _site(point: CountingPoint, direction: str, start: float, end: float) -> etree._Element:
    site = etree.Element(f"{{{ROA}}}siteMeasurements")
    reference = {"id": f"{point.id}:{direction}", "version": "1", "targetClass": "roa:MeasurementSite"}
    _sub(site, ROA, "measurementSiteReference", attributes=reference)
    period = _sub(_sub(site, ROA, "measurementTimeDefault"), ROA, "period")
    _sub(period, COM, "startOfPeriod", local_iso(start, point.zone))
    _sub(period, COM, "endOfPeriod", local_iso(end, point.zone))
    return site


def _inputs(n: int, quality: str) -> dict[str, str]:
    return {"numberOfInputValuesUsed": str(n), "supplierCalculatedDataQuality": quality}


def _stream(out: "etree._IncrementalFileWriter", element: etree._Element) -> None:
    """Write `element` inside the document's root, whose namespace declarations it then uses (written
    whole, each element would declare them all again)."""
    with out.element(element.tag, element.attrib):
        if element.text:
            out.write(element.text)
        for child in element:
            _stream(out, child)


def _sub(
    parent: etree._Element,
    namespace: str,
    name: str,
    text: str | None = None,
    attributes: dict[str, str] | None = None,
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}", attributes or {})
    element.text = text
    return element
