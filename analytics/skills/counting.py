"""Traffic counting: crossings of a line by class and direction, aggregated per interval."""

from typing import Literal

from pydantic import Field

from analytics.skills.base import ClassName, LineSkillConfig


class CountingConfig(LineSkillConfig):
    kind: Literal["counting"] = "counting"
    classes: list[ClassName] = Field(
        default_factory=lambda: ["car", "truck", "bus", "motorcycle", "bicycle"],
        min_length=1,
        description="Classes counted.",
    )
    interval_s: float = Field(900.0, gt=0, description="Aggregation interval of the counts, seconds.")
    hysteresis: float = Field(
        0.01, ge=0, description="Normalised distance the anchor must reach beyond the line for a crossing."
    )
