"""The counts as the city publishes them.

CSV, laid out as Cerema's guidance for open traffic-count data recommends (trafic-routier.data.cerema.fr,
"Comptages"): one measure per row, every row carrying the identifier of its measurement point
(`idmes`), and a separate file describing each point (its location in x, y), joined on that identifier.
A measure is the number of crossings (`debit`) of one category in one direction over one period; an
interval the camera was not analysed has an empty value (missing), never 0. `TV` (tous véhicules) is
VL + PL + 2RM, as French counts report it; bicycles and pedestrians are apart.

Times (`debut`, `fin`, NGSI-LD's dateObserved) are ISO 8601 local times of the site's time zone with
their offset (2026-03-29T03:00:00+02:00): periods are local hours and days ([counting] timezone), and
`periode_s` says how long each was (82800 for the day the clocks go forward).

Beside the counts, on the same layout (one measure per row, the same header), the speeds
(`speeds_rows`): per period, direction and category, `vitesse_moyenne` and `v85` in km/h and
`part_mesuree`, the share of the category's vehicles whose speed was measured (0 on a camera without
calibration); a speed is empty when no vehicle was measured or the period was not analysed. And the
turning movements (`movements_rows`, MOVEMENTS_HEADER): per period, origin line (`aucune`: the vehicle
crossed none of them first), direction on the counting line and category, the vehicles counted.

JSON as NGSI-LD entities of the FIWARE smart data model `TrafficFlowObserved` (normalised form): one per
point, period, direction and vehicle type; `intensity` is the count. Intervals never analysed are left
out (nothing was observed); `laneDirection` is forward for A->B. People are no vehicle type of the
model and stay in the CSV only. Checked by the tests against the model's published JSON Schema (through
the entities' key-values form), vendored in the tests' support files with their source.

Rows and entities are produced one measure at a time (`counts_rows`, `ngsi_ld_entities`): the files
are written as they come (genetec_bridge.counting.export_files), never held whole.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from genetec_bridge.counting.categories import NGSI_VEHICLE_TYPE, Category
from genetec_bridge.counting.local_time import local_iso
from genetec_bridge.counting.series import DIRECTIONS, CountingPoint, Measure

POINTS_HEADER = ("idmes", "libelle", "camera", "ligne", "x", "y", "segment_image")
COUNTS_HEADER = ("idmes", "debut", "fin", "periode_s", "sens", "categorie", "mesure", "valeur", "couverture")
MOVEMENTS_HEADER = (
    "idmes",
    "debut",
    "fin",
    "periode_s",
    "origine",
    "sens",
    "categorie",
    "valeur",
    "couverture",
)
NO_ORIGIN = "aucune"
MOTOR_VEHICLES: tuple[Category, ...] = ("VL", "PL", "2RM")
NGSI_CONTEXT = (
    "https://raw.githubusercontent.com/smart-data-models/dataModel.Transportation/master/context.jsonld"
)


def points_csv(points: Iterable[CountingPoint]) -> str:
    rows = []
    for point in points:
        (ax, ay), (bx, by) = point.segment
        x, y = point.location if point.location is not None else ("", "")
        rows.append(
            (
                point.id,
                f"{point.camera_name} - {point.line}",
                point.camera_id,
                point.line,
                x,
                y,
                f"{ax:g} {ay:g} {bx:g} {by:g}",  # A then B: the directions A->B and B->A refer to them
            )
        )
    return _csv(POINTS_HEADER, rows)


def counts_csv(series: Iterable[Measure]) -> str:
    return _csv(COUNTS_HEADER, counts_rows(series))


def counts_rows(series: Iterable[Measure]) -> Iterator[tuple[Any, ...]]:
    """The CSV rows of the measures, header aside."""
    for measure in series:
        tally = measure.by_category()
        categories: list[Category | Literal["TV"]] = list(measure.point.categories)
        if any(category in MOTOR_VEHICLES for category in categories):
            categories.insert(0, "TV")
        coverage = round(measure.coverage, 4)
        for direction in DIRECTIONS:
            for category in categories:
                members = MOTOR_VEHICLES if category == "TV" else (category,)
                value = sum(tally[(member, direction)] for member in members) if coverage else ""
                yield (
                    *_period(measure),
                    direction,
                    category,
                    "debit",
                    value,
                    coverage,
                )


def speeds_rows(series: Iterable[Measure]) -> Iterator[tuple[Any, ...]]:
    """The speeds file's rows, header (COUNTS_HEADER) aside."""
    for measure in series:
        coverage, period = round(measure.coverage, 4), _period(measure)
        for direction in DIRECTIONS:
            for category in measure.point.categories:
                speeds = measure.speed(category, direction)
                figures = {
                    "vitesse_moyenne": "" if speeds.mean_kmh is None else round(speeds.mean_kmh, 1),
                    "v85": "" if speeds.v85_kmh is None else speeds.v85_kmh,
                    "part_mesuree": round(speeds.measured_share, 4),
                }
                for name, value in figures.items():
                    yield (*period, direction, category, name, value if coverage else "", coverage)


def movements_rows(series: Iterable[Measure]) -> Iterator[tuple[Any, ...]]:
    """The turning movements file's rows, header (MOVEMENTS_HEADER) aside."""
    for measure in series:
        coverage, period = round(measure.coverage, 4), _period(measure)
        for origin in ("", *measure.point.origins):
            for direction in DIRECTIONS:
                for category in measure.point.categories:
                    n = measure.movements.get((category, origin, direction), 0)
                    yield (*period, origin or NO_ORIGIN, direction, category, n if coverage else "", coverage)


def _period(measure: Measure) -> tuple[str, str, str, str]:
    zone = measure.point.zone
    return (
        measure.point.id,
        local_iso(measure.start, zone),
        local_iso(measure.end, zone),
        f"{measure.end - measure.start:g}",
    )


def ngsi_ld(series: Iterable[Measure]) -> list[dict[str, Any]]:
    return list(ngsi_ld_entities(series))


def ngsi_ld_entities(series: Iterable[Measure]) -> Iterator[dict[str, Any]]:
    for measure in series:
        if not measure.analysed_s:
            continue
        point = measure.point
        for direction in DIRECTIONS:
            for class_name in point.classes:
                vehicle_type = NGSI_VEHICLE_TYPE.get(class_name)
                if vehicle_type is None:
                    continue
                yield _entity(measure, direction, class_name, vehicle_type)


def _entity(measure: Measure, direction: str, class_name: str, vehicle_type: str) -> dict[str, Any]:
    point = measure.point
    start, end = local_iso(measure.start, point.zone), local_iso(measure.end, point.zone)
    lane = "forward" if direction == "A->B" else "backward"
    entity: dict[str, Any] = {
        "id": f"urn:ngsi-ld:TrafficFlowObserved:{_urn_part(point.id)}:{lane}:{vehicle_type}:{start}",
        "type": "TrafficFlowObserved",
        "name": _property(f"{point.camera_name} - {point.line}"),
        "refDevice": _property(point.camera_id),
        "dateObserved": _property(f"{start}/{end}"),
        "dateObservedFrom": _property({"@type": "DateTime", "@value": start}),
        "dateObservedTo": _property({"@type": "DateTime", "@value": end}),
        "intensity": _property(measure.counts.get((class_name, direction), 0)),
        "vehicleType": _property(vehicle_type),
        "laneDirection": _property(lane),
        # Not of the model: the share of the period the camera was analysed (1 = all of it).
        "observationCoverage": _property(round(measure.coverage, 4)),
        "@context": [NGSI_CONTEXT],
    }
    if point.location is not None:
        entity["location"] = {
            "type": "GeoProperty",
            "value": {"type": "Point", "coordinates": list(point.location)},
        }
    return entity


def _property(value: Any) -> dict[str, Any]:
    return {"type": "Property", "value": value}


def _urn_part(text: str) -> str:
    """URN-safe: letters, digits and - . _ kept; anything else becomes '-'."""
    return "".join(c if c.isalnum() or c in "-._" else "-" for c in text)


def _csv(header: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
