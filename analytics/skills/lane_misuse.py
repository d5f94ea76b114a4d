"""Lane misuse: an object of a forbidden class present in a zone, e.g. a motorcycle on a bike lane."""

from typing import Literal

from pydantic import Field

from analytics.geometry.coordinates import Polygon
from analytics.skills.base import ClassName, ZoneSkillConfig
from analytics.skills.zone_dwell import StartEndDwellSkill


class LaneMisuseConfig(ZoneSkillConfig):
    kind: Literal["lane_misuse"] = "lane_misuse"
    raised_phases = ("start", "end")
    classes: list[ClassName] = Field(
        default_factory=lambda: list[ClassName](["motorcycle", "car"]),
        min_length=1,
        description="Classes forbidden in the zone.",
    )
    min_presence_s: float = Field(1.0, ge=0, description="Seconds in the zone before the alert.")
    grace_s: float = Field(1.0, ge=0, description="A presence survives a loss of the object this long.")


class LaneMisuseSkill(StartEndDwellSkill):
    """`start` once a forbidden object has been in the zone `min_presence_s`, `end` when it leaves."""

    kind = "lane_misuse"

    def __init__(self, config: LaneMisuseConfig, camera_id: str, zone: Polygon) -> None:
        super().__init__(config, camera_id, zone, config.grace_s)
        self._config = config

    def threshold_s(self, class_name: str) -> float:
        return self._config.min_presence_s
