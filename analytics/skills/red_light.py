"""Red light: a vehicle crosses a stop line in the configured direction while the signal is red."""

from typing import Literal

from pydantic import Field

from analytics.geometry_types import Polygon
from analytics.model_base import StrictModel
from analytics.skills.base import ClassName, LineSkillConfig


class SignalConfig(StrictModel):
    """Where the signal state comes from."""

    source: Literal["video", "external"] = Field(
        "video",
        description="'video': read the lamps in `region`; 'external': pushed by the traffic controller.",
    )
    region: Polygon | None = Field(None, description="Normalised polygon around the traffic light's lamps.")
    hold_s: float = Field(0.3, ge=0, description="A new colour must hold this long before the state changes.")
    min_brightness: int = Field(150, ge=0, le=255, description="HSV value a lit lamp reaches.")


class RedLightConfig(LineSkillConfig):
    kind: Literal["red_light"] = "red_light"
    classes: list[ClassName] = Field(
        default_factory=lambda: ["car", "truck", "bus", "motorcycle"],
        min_length=1,
        description="Vehicle classes.",
    )
    direction: Literal["A->B", "B->A"] = Field(
        "A->B",
        description="Crossing direction that violates the signal (A, B: the line's first and second points).",
    )
    signal: SignalConfig = Field(default_factory=SignalConfig)
    hysteresis: float = Field(
        0.01, ge=0, description="Normalised distance the anchor must reach beyond the line for a crossing."
    )
