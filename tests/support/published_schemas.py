"""The exports' published schemas, vendored in tests/support/schemas (see its README: source, version,
commit, licence) and resolved from those files only: nothing is downloaded when the tests run.

- DATEX II version 3.7, the XSD set of the d2Payload namespace (`datex2_schema`);
- FIWARE Smart Data Models `TrafficFlowObserved` (dataModel.Transportation) with the common schema it
  references (`traffic_flow_observed`). The model's schema describes an entity's key-values form;
  NGSI-LD normalised entities are checked through that form (`key_values`), as the model's own
  normalised examples and key-values examples correspond.
"""

import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree
from referencing import Registry, Resource

from genetec_bridge.counting.categories import NGSI_VEHICLE_TYPE
from genetec_bridge.counting.datex2 import NSMAP, write_publication
from genetec_bridge.counting.exports import ngsi_ld
from genetec_bridge.counting.series import CountingPoint, Measure

SCHEMAS = Path(__file__).parent / "schemas"
DATEX2_PAYLOAD = SCHEMAS / "datex2-v3.7" / "DATEXII_3_D2Payload.xsd"
SMART_DATA_MODELS = SCHEMAS / "smart-data-models"
# RFC 3339 date-time, the JSON Schema meaning of "date-time": the time offset is required.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")


@cache
def datex2_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(DATEX2_PAYLOAD))


@cache
def traffic_flow_observed() -> Draft202012Validator:
    resources = [
        Resource.from_contents(json.loads(path.read_text(encoding="utf-8")))
        for path in (
            SMART_DATA_MODELS / "common-schema.json",
            SMART_DATA_MODELS / "TrafficFlowObserved.schema.json",
        )
    ]
    registry: Registry[Any] = Registry().with_resources(
        (str(resource.id()), resource) for resource in resources
    )
    formats = FormatChecker()
    # jsonschema checks date-time only with an optional package installed: check it here, always.
    formats.checks("date-time")(lambda value: not isinstance(value, str) or bool(RFC3339.match(value)))
    return Draft202012Validator(resources[1].contents, registry=registry, format_checker=formats)


def key_values(entity: dict[str, Any]) -> dict[str, Any]:
    """The key-values form of a normalised NGSI-LD entity: each attribute's value (a typed literal's
    @value), a relationship's object."""
    simplified: dict[str, Any] = {}
    for name, attribute in entity.items():
        if isinstance(attribute, dict) and attribute.get("type") in ("Property", "GeoProperty"):
            value = attribute["value"]
            simplified[name] = value["@value"] if isinstance(value, dict) and "@value" in value else value
        elif isinstance(attribute, dict) and attribute.get("type") == "Relationship":
            simplified[name] = attribute["object"]
        else:
            simplified[name] = attribute
    return simplified


def ngsi_ld_errors(entity: dict[str, Any]) -> list[str]:
    """What the TrafficFlowObserved schema finds wrong with the entity, one line each."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(entity)'}: {error.message}"
        for error in traffic_flow_observed().iter_errors(key_values(entity))
    ]


@dataclass(frozen=True)
class Published:
    """The vehicles of a series as counted and as each export carries them, with the schemas' findings."""

    counted: int
    ngsi_ld_entities: int
    ngsi_ld_intensity: int
    ngsi_ld_faults: dict[str, list[str]]  # entity id: what the schema found
    datex2_flows: int
    datex2_faults: list[str]


def published(series: list[Measure], point: CountingPoint, published_at: datetime) -> Published:
    """Both exports of `series`, checked against their published schemas."""
    entities = ngsi_ld(series)
    out = io.BytesIO()
    write_publication(out, [series], [point], published_at)
    document = etree.fromstring(out.getvalue())
    schema = datex2_schema()
    schema.validate(document)
    flows = cast(
        "list[str]",
        document.xpath(
            "//roa:basicData[@xsi:type = 'roa:TrafficFlow']/roa:vehicleFlow/@numberOfInputValuesUsed",
            namespaces=NSMAP,
        ),
    )
    return Published(
        counted=sum(n for m in series for (name, _), n in m.counts.items() if name in NGSI_VEHICLE_TYPE),
        ngsi_ld_entities=len(entities),
        ngsi_ld_intensity=sum(entity["intensity"]["value"] for entity in entities),
        ngsi_ld_faults={entity["id"]: errors for entity in entities if (errors := ngsi_ld_errors(entity))},
        datex2_flows=sum(int(n) for n in flows),
        datex2_faults=str(schema.error_log).splitlines(),
    )
