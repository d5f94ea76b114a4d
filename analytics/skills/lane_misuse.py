"""Lane misuse: an object of a forbidden class present in a zone, e.g. a motorcycle on a bike lane."""

from typing import Literal

from pydantic import Field

from analytics.skills.base import ClassName, ZoneSkillConfig


class LaneMisuseConfig(ZoneSkillConfig):
    kind: Literal["lane_misuse"] = "lane_misuse"
    classes: list[ClassName] = Field(
        default_factory=lambda: ["motorcycle", "car"],
        min_length=1,
        description="Classes forbidden in the zone.",
    )
    min_presence_s: float = Field(1.0, ge=0, description="Seconds in the zone before the alert.")
    grace_s: float = Field(1.0, ge=0, description="A presence survives a loss of the object this long.")
