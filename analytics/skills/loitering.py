"""Loitering: an object of the watched classes present in a zone longer than min_dwell_s."""

from typing import Literal

from pydantic import Field

from analytics.geometry.coordinates import Polygon
from analytics.skills.base import ClassName, ZoneSkillConfig
from analytics.skills.zone_dwell import StartEndDwellSkill


class LoiteringConfig(ZoneSkillConfig):
    kind: Literal["loitering"] = "loitering"
    raised_phases = ("start", "end")
    min_dwell_s: float = Field(60.0, gt=0, description="Seconds of presence in the zone before the alert.")
    class_min_dwell_s: dict[ClassName, float] = Field(
        default_factory=dict, description="Per-class dwell thresholds overriding min_dwell_s."
    )
    grace_s: float = Field(
        3.0, ge=0, description="A visit survives a loss of the object (occlusion, id switch) this long."
    )


class LoiteringSkill(StartEndDwellSkill):
    """`start` when a visit reaches the class's dwell threshold, `end` when the visit ends."""

    kind = "loitering"

    def __init__(self, config: LoiteringConfig, camera_id: str, zone: Polygon) -> None:
        super().__init__(config, camera_id, zone, config.grace_s)
        self._config = config

    def threshold_s(self, class_name: str) -> float:
        return self._config.class_min_dwell_s.get(class_name, self._config.min_dwell_s)  # type: ignore[call-overload]
