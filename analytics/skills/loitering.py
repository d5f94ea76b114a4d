"""Loitering: an object of the watched classes present in a zone longer than min_dwell_s."""

from typing import Literal

from pydantic import Field

from analytics.skills.base import ClassName, ZoneSkillConfig


class LoiteringConfig(ZoneSkillConfig):
    kind: Literal["loitering"] = "loitering"
    min_dwell_s: float = Field(60.0, gt=0, description="Seconds of presence in the zone before the alert.")
    class_min_dwell_s: dict[ClassName, float] = Field(
        default_factory=dict, description="Per-class dwell thresholds overriding min_dwell_s."
    )
    grace_s: float = Field(
        3.0, ge=0, description="A visit survives a loss of the object (occlusion, id switch) this long."
    )
