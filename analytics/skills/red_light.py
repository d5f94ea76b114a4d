"""Red light: a vehicle crosses the stop line on red in the controlled direction and goes on into
the junction.

What a traffic officer signs is a vehicle that entered the junction against the red, not one whose
wheel is over the paint. A crossing of the stop line in `direction`, at a frame where the signal was
red, is therefore only a candidate; it becomes a violation once the anchor has gone
`proceed_distance` beyond the line within `proceed_within_s`. A rider who creeps onto or just past
the line and waits, cross traffic (it runs along the line, not over it in `direction`) and a vehicle
already past the line when the red began (its crossing is dated on green or amber) raise nothing.

The vehicle must be seen doing it: followed over the line and on into the junction without being
lost for longer than the skill's `grace_s`. A queued vehicle hidden behind others, whose tracker id
comes back seconds later on a box beyond the line (often cross traffic in the junction), keeps its
side of the line (see `subjects`), so the line reports a crossing, but nobody saw it cross on red.
"""

from dataclasses import dataclass
from typing import Literal, Self

from pydantic import Field, model_validator

from analytics.config.strict_model import StrictModel
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks, SignalState
from analytics.geometry.coordinates import Box, Polygon, Segment
from analytics.geometry.plane import signed_distance
from analytics.skills.base import ClassName, LineSkillConfig
from analytics.skills.crossings import Crossing, LineCrossingSkill
from analytics.skills.event_factory import EventFactory
from analytics.skills.subjects import Subject
from analytics.skills.visits import Instant

LampColour = Literal["red", "amber", "green"]

# A motorbike seen from behind is often detected as its rider ('person'), sometimes also as a
# 'motorcycle', as two tracks: two violators whose boxes overlap by at least this share of the
# smaller box, within the proceed window, are one vehicle. Two riders side by side overlap far less.
SAME_VEHICLE_OVERLAP = 0.5


class SignalConfig(StrictModel):
    """Where the signal state comes from."""

    source: Literal["video", "external"] = Field(
        "video",
        description="'video': read the lamps in `region`; 'external': pushed by the traffic controller.",
    )
    region: Polygon | None = Field(
        None,
        description="Normalised polygon drawn around the signal head's lamps (not its countdown display).",
    )
    lamps: list[LampColour] = Field(
        default_factory=lambda: list[LampColour](["red", "amber", "green"]),
        min_length=2,
        description="The lamps in `region`, from the top (vertical head) or the left (horizontal head).",
    )
    dominance: float = Field(
        3.0,
        ge=1.0,
        description="A lamp is lit when its colour stands out in its cell this many times more than in "
        "the other cells of the head.",
    )
    hold_s: float = Field(0.3, ge=0, description="A new colour must hold this long before the state changes.")

    @model_validator(mode="after")
    def _video_needs_region(self) -> Self:
        if self.source == "video" and self.region is None:
            raise ValueError("a signal read from video needs `region`, a polygon around the lamps")
        if len(set(self.lamps)) != len(self.lamps):
            raise ValueError(f"`lamps` names a lamp twice: {self.lamps}")
        return self


class RedLightConfig(LineSkillConfig):
    kind: Literal["red_light"] = "red_light"
    classes: list[ClassName] = Field(
        default_factory=lambda: list[ClassName](["car", "truck", "bus", "motorcycle"]),
        min_length=1,
        description="Vehicle classes; add 'person' where motorbikes seen from behind are detected as "
        "their riders (pedestrians crossing the stop line into the junction then count too).",
    )
    direction: Literal["A->B", "B->A"] = Field(
        "A->B",
        description="Crossing direction that violates the signal (A, B: the line's first and second points).",
    )
    signal: SignalConfig = Field(description="Where the signal state comes from (video region or external).")
    hysteresis: float = Field(
        0.01, ge=0, description="Normalised distance the anchor must reach beyond the line for a crossing."
    )
    proceed_distance: float = Field(
        0.08,
        ge=0,
        description="Normalised distance beyond the stop line (at right angles to it) the anchor must "
        "reach after crossing on red: where the junction begins, e.g. the far edge of the crosswalk.",
    )
    proceed_within_s: float = Field(
        3.0, gt=0, description="Seconds after the crossing within which it must get that far."
    )


@dataclass(slots=True)
class _Candidate:
    crossing: Crossing
    seen_s: float  # when the subject was last seen since the crossing


@dataclass(slots=True)
class _Violation:
    subject: Subject
    time_s: float


class RedLightSkill(LineCrossingSkill):
    """A `red_light` instant, dated when the vehicle crossed the stop line, once it has proceeded.

    An unknown signal (dark, amber, unreadable) never alerts: a wrong alert costs an operator more
    than a missed one here.
    """

    def __init__(self, config: RedLightConfig, camera_id: str, line: Segment) -> None:
        super().__init__(config, camera_id, line, config.hysteresis)
        self._config = config
        self._line = line
        # Beyond the line in the violating direction: A->B starts on the positive side.
        self._forward = -1.0 if config.direction == "A->B" else 1.0
        self._candidates: dict[int, _Candidate] = {}  # by subject key: crossed on red, not yet proceeded
        self._violations: list[_Violation] = []

    def on_crossing(self, crossing: Crossing, events: EventFactory) -> list[AnalyticsEvent]:
        signal = crossing.at.signals.get(self._config.label, SignalState.UNKNOWN)
        seen = crossing.step_s <= self._config.grace_s
        if crossing.direction == self._config.direction and signal == SignalState.RED and seen:
            self._candidates[crossing.subject.key] = _Candidate(crossing, crossing.subject.last_seen_s)
        return []

    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        super().update(frame)
        now = frame.time_s
        self._violations = [v for v in self._violations if now - v.time_s <= self._config.proceed_within_s]
        events = []
        for key, candidate in list(self._candidates.items()):
            crossing, subject = candidate.crossing, candidate.crossing.subject
            if now - crossing.at.time_s > self._config.proceed_within_s:
                del self._candidates[key]
                continue
            if subject.last_seen_s != now:
                continue
            lost_s, candidate.seen_s = now - candidate.seen_s, now
            if lost_s > self._config.grace_s:
                del self._candidates[key]  # lost on the way: what came back is no evidence
            elif self._beyond(subject) >= self._config.proceed_distance:
                del self._candidates[key]
                if not any(_same_vehicle(subject.box, v.subject.box) for v in self._violations):
                    self._violations.append(_Violation(subject, now))
                    events.append(self._event(crossing))
        return events

    def _beyond(self, subject: Subject) -> float:
        return self._forward * signed_distance(subject.anchor, self._line)

    def _event(self, crossing: Crossing) -> AnalyticsEvent:
        at = Instant.of(crossing.at)
        return self._events.make(
            "red_light",
            "instant",
            crossing.subject,
            at,
            at,
            direction=crossing.direction,
            signal_state=str(SignalState.RED),
        )


def _same_vehicle(a: Box, b: Box) -> bool:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height >= SAME_VEHICLE_OVERLAP * smaller
