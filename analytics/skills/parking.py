"""Parking: a vehicle stationary inside a zone longer than max_parking_s."""

from typing import Literal

from pydantic import Field

from analytics.skills.base import ClassName, ZoneSkillConfig


class ParkingConfig(ZoneSkillConfig):
    kind: Literal["parking"] = "parking"
    classes: list[ClassName] = Field(
        default_factory=lambda: ["car", "truck", "bus", "motorcycle"],
        min_length=1,
        description="Vehicle classes.",
    )
    max_parking_s: float = Field(300.0, gt=0, description="Seconds a vehicle may stay stationary.")
    class_max_parking_s: dict[ClassName, float] = Field(
        default_factory=dict, description="Per-class limits overriding max_parking_s."
    )
    movement_tolerance: float = Field(
        0.3,
        gt=0,
        description="Movement, as a fraction of the vehicle's box size, still counted as stationary.",
    )
    grace_s: float = Field(
        10.0, ge=0, description="Missed detections this long neither end nor restart a stay."
    )
