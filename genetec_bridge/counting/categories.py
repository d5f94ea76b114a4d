"""The detector's classes mapped to the categories French road counts use.

French counting stations report all vehicles (TV, tous véhicules) split into light vehicles (VL,
véhicules légers, up to 3.5 t) and heavy vehicles (PL, poids lourds: trucks and buses), with
two-wheelers (2RM, deux-roues motorisés) apart; cycle and pedestrian counts are reported on their own.

Limits of the detector (COCO classes of YOLOX-nano), said plainly:
- it has no van class: a light commercial vehicle (VUL) is seen as a car or a truck, so VL/PL
  splits around 3.5 t are approximate (a big van may count as PL, a pick-up as VL);
- "truck" covers anything from a pick-up to an articulated lorry: PL cannot be split further
  (rigid, articulated, with trailer) as the 8+1 German or SWISS10 schemes would;
- a bus and a coach are both "bus"; a motorcycle and a moped are both "motorcycle";
- a person walking a bicycle may be counted as both a person and a bicycle.
Counts are stored per detector class, so a better model or mapping changes the reports, not the data.
"""

from typing import Literal

from analytics.skills.base import ClassName

Category = Literal["VL", "PL", "2RM", "velo", "pieton"]

CATEGORY_OF_CLASS: dict[ClassName, Category] = {
    "car": "VL",
    "truck": "PL",
    "bus": "PL",
    "motorcycle": "2RM",
    "bicycle": "velo",
    "person": "pieton",
}

CATEGORIES: tuple[Category, ...] = ("VL", "PL", "2RM", "velo", "pieton")

CATEGORY_NAMES: dict[str, dict[Category, str]] = {
    "fr": {
        "VL": "véhicules légers",
        "PL": "poids lourds (camions, bus)",
        "2RM": "deux-roues motorisés",
        "velo": "vélos",
        "pieton": "piétons",
    },
    "en": {
        "VL": "light vehicles",
        "PL": "heavy vehicles (trucks, buses)",
        "2RM": "motorised two-wheelers",
        "velo": "bicycles",
        "pieton": "pedestrians",
    },
}

# The NGSI-LD TrafficFlowObserved `vehicleType` of each detector class (smart-data-models enum). People
# are no vehicle type: their counts stay out of TrafficFlowObserved and go in the CSV export only.
NGSI_VEHICLE_TYPE: dict[str, str] = {
    "car": "car",
    "truck": "lorry",
    "bus": "bus",
    "motorcycle": "motorcycle",
    "bicycle": "bicycle",
}


# The events' French class (analytics.skills.vehicle_size) as a category: the same classes, unaccented.
_FRENCH_CLASS: dict[str, Category] = {
    "VL": "VL",
    "PL": "PL",
    "2RM": "2RM",
    "vélo": "velo",
    "piéton": "pieton",
}


def category_of_crossing(class_name: str, french_class: str | None) -> Category:
    """A counted vehicle's category: its French class where the daemon gave one (length and detector on
    a calibrated camera, size against a car's at its place on an uncalibrated one, or the detector's
    class alone), else its detector class's."""
    if french_class in _FRENCH_CLASS:
        return _FRENCH_CLASS[french_class]
    return category_of(class_name)


def category_of(class_name: str) -> Category:
    """The category of a detector class; a class outside the mapping is a programming error."""
    return CATEGORY_OF_CLASS[class_name]  # type: ignore[index]
