"""Red light: a vehicle crosses a stop line in the configured direction while the signal is red."""

from typing import Literal, Self

from pydantic import Field, model_validator

from analytics.config.strict_model import StrictModel
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import SignalState
from analytics.geometry.coordinates import Polygon, Segment
from analytics.skills.base import ClassName, LineSkillConfig
from analytics.skills.crossings import Crossing, LineCrossingSkill
from analytics.skills.event_factory import EventFactory
from analytics.skills.visits import Instant


class SignalConfig(StrictModel):
    """Where the signal state comes from."""

    source: Literal["video", "external"] = Field(
        "video",
        description="'video': read the lamps in `region`; 'external': pushed by the traffic controller.",
    )
    region: Polygon | None = Field(None, description="Normalised polygon around the traffic light's lamps.")
    hold_s: float = Field(0.3, ge=0, description="A new colour must hold this long before the state changes.")
    min_brightness: int = Field(150, ge=0, le=255, description="HSV value a lit lamp reaches.")

    @model_validator(mode="after")
    def _video_needs_region(self) -> Self:
        if self.source == "video" and self.region is None:
            raise ValueError("a signal read from video needs `region`, a polygon around the lamps")
        return self


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
    signal: SignalConfig = Field(description="Where the signal state comes from (video region or external).")
    hysteresis: float = Field(
        0.01, ge=0, description="Normalised distance the anchor must reach beyond the line for a crossing."
    )


class RedLightSkill(LineCrossingSkill):
    """A `red_light` instant when a vehicle crosses the stop line in `direction` while the signal
    is red at the frame it passed the line. An unknown signal (dark, amber, unreadable) never alerts:
    a wrong alert costs an operator more than a missed one here."""

    def __init__(self, config: RedLightConfig, camera_id: str, line: Segment) -> None:
        super().__init__(config, camera_id, line, config.hysteresis)
        self._config = config

    def on_crossing(self, crossing: Crossing, events: EventFactory) -> list[AnalyticsEvent]:
        signal = crossing.at.signals.get(self._config.label, SignalState.UNKNOWN)
        if crossing.direction != self._config.direction or signal != SignalState.RED:
            return []
        at = Instant.of(crossing.at)
        return [
            events.make(
                "red_light",
                "instant",
                crossing.subject,
                at,
                at,
                direction=crossing.direction,
                signal_state=str(signal),
            )
        ]
