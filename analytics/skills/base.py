"""What every skill shares: its common configuration and the one method the daemon calls."""

from abc import ABC, abstractmethod
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from analytics.config.printable import PrintableText
from analytics.config.strict_model import StrictModel
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks
from analytics.geometry.coordinates import Anchor

# Security Center stores custom event ids as 32-bit signed integers.
SECURITY_CENTER_MAX_ID = 2**31 - 1

ClassName = Literal["person", "bicycle", "car", "motorcycle", "bus", "truck"]
Mode = Literal["shadow", "live"]


class AlertRouting(StrictModel):
    """How the bridge raises this skill's events in Security Center. The daemon ignores it."""

    mode: Mode = Field(
        "shadow",
        description="'shadow': alerts are kept for review and never reach operators (no custom event, no"
        " alarm; a bookmark if asked); 'live': they are raised. Only the initial mode: once the bridge has"
        " seen the skill, `genetec-bridge trust promote|demote` changes it and the trust store keeps it."
        " 'live' needs live_decided_by and live_reason: without them a new skill starts in shadow and waits"
        " for a promotion (review page or `genetec-bridge trust promote`).",
    )
    live_decided_by: str | None = Field(
        None,
        max_length=200,
        description="With mode 'live': the name of the person who decides that this new skill goes live"
        " before passing the trust gate (audited as the actor).",
    )
    live_reason: str | None = Field(
        None,
        max_length=2000,
        description="With mode 'live': why it goes live before passing the trust gate (audited).",
    )

    custom_event_id: int = Field(
        ge=1,
        le=SECURITY_CENTER_MAX_ID,
        description="Genetec custom event id raised on the camera (created if missing); 1 to 2147483647.",
    )
    custom_event_name: PrintableText | None = Field(
        None, description="Name given to the custom event when it is created; defaults to the skill's name."
    )
    alarm: str | None = Field(
        None, description="GUID of a Genetec alarm to trigger with the camera as source."
    )
    bookmark: bool = Field(False, description="Add a bookmark on the camera at the event time.")
    phases: list[Literal["start", "end", "instant"]] = Field(
        default_factory=lambda: list[Literal["start", "end", "instant"]](["start", "instant"]),
        description="Which event phases are sent to Security Center ('end' closes loitering and parking).",
    )

    @model_validator(mode="after")
    def _live_is_a_named_decision(self) -> Self:
        named = (self.live_decided_by or "").strip(), (self.live_reason or "").strip()
        given = [value is not None for value in (self.live_decided_by, self.live_reason)]
        if any(given) and self.mode != "live":
            raise ValueError('`live_decided_by` and `live_reason` go with `mode = "live"` only')
        if any(given) and not all(named):
            missing = "live_decided_by" if not named[0] else "live_reason"
            raise ValueError(f"`{missing}` is empty: going live needs both a name and a reason")
        return self

    @property
    def decided_live(self) -> bool:
        """Live by a named, reasoned decision of the site file (else a new skill starts in shadow)."""
        return self.mode == "live" and self.live_decided_by is not None


class SkillConfigBase(StrictModel):
    """Options common to all skills."""

    # The phases this kind raises and whether its alerts bookmark the recording, for the box's defaults
    # when an integrator routes a new skill: a visit (loitering, parking) sends its start and its end.
    raised_phases: ClassVar[tuple[Literal["start", "end", "instant"], ...]] = ("instant",)
    bookmarks_by_default: ClassVar[bool] = True

    kind: str = Field(description="Skill kind; each subclass fixes it.")
    name: PrintableText | None = Field(
        None, description="Unique name of this skill on the camera; defaults to 'kind:zone'."
    )
    enabled: bool = Field(
        True,
        description="false switches the skill off without deleting it: it watches nothing and raises"
        " nothing until switched on again.",
    )
    classes: list[ClassName] = Field(
        default_factory=lambda: list[ClassName](["person"]),
        min_length=1,
        description="Object classes watched.",
    )
    min_confidence: float = Field(
        0.35, ge=0.0, le=1.0, description="Detections below this confidence are ignored."
    )
    class_min_confidence: dict[ClassName, float] = Field(
        default_factory=dict, description="Per-class confidence thresholds overriding min_confidence."
    )
    anchor: Anchor = Field(
        Anchor.BOTTOM_CENTER, description="Point of the box tested against zones and lines."
    )
    schedule: str | None = Field(
        None, description="Name of a [schedules.NAME] table; the skill runs only inside it."
    )
    cooldown_s: float = Field(
        0.0, ge=0.0, description="Minimum seconds between two alerts of this skill for the same zone or line."
    )
    alert: AlertRouting | None = Field(
        None, description="Security Center outputs (custom event, alarm, bookmark)."
    )

    @property
    def target(self) -> str:
        """The zone or line the skill watches."""
        raise NotImplementedError

    @property
    def label(self) -> str:
        return self.name or f"{self.kind}:{self.target}"

    def confidence_for(self, class_name: str) -> float:
        return self.class_min_confidence.get(class_name, self.min_confidence)  # type: ignore[call-overload]


class ZoneSkillConfig(SkillConfigBase):
    zone: str = Field(description="Name of a zone of this camera.")

    @property
    def target(self) -> str:
        return self.zone


class LineSkillConfig(SkillConfigBase):
    line: str = Field(description="Name of a line of this camera.")
    grace_s: float = Field(
        1.0, ge=0, description="An object lost this long keeps its side of the line (id switches, occlusion)."
    )

    @property
    def target(self) -> str:
        return self.line


class Skill(ABC):
    """A pure rule: tracks and time in, analytics events out. Holds only its own small state."""

    @abstractmethod
    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        """Consume one analysed frame and return the events it caused."""
