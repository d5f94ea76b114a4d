"""Verdicts on alerts: what a reviewer or an operator said of one alert, and how Security Desk
acknowledgements become verdicts."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal


class Verdict(StrEnum):
    TRUE = "true"
    FALSE = "false"
    CANNOT_TELL = "cannot_tell"


class FalseReason(StrEnum):
    """Why a false alert was false: the short list the review queue offers."""

    WRONG_CLASS = "wrong_class"
    ZONE_EDGE_JITTER = "zone_edge_jitter"
    REFLECTION_OR_SHADOW = "reflection_or_shadow"
    NOT_THE_BEHAVIOUR = "not_the_behaviour"
    OTHER = "other"


FALSE_REASON_LABELS: dict[FalseReason, str] = {
    FalseReason.WRONG_CLASS: "wrong object class",
    FalseReason.ZONE_EDGE_JITTER: "box jitter at a zone edge",
    FalseReason.REFLECTION_OR_SHADOW: "reflection or shadow",
    FalseReason.NOT_THE_BEHAVIOUR: "not the behaviour",
    FalseReason.OTHER: "other",
}

VerdictSource = Literal["review", "operator"]
"""`review`: given in the review queue; `operator`: an acknowledgement in Security Desk."""


@dataclass(frozen=True, slots=True)
class VerdictRecord:
    event_id: str
    verdict: Verdict
    reason: FalseReason | None
    note: str | None
    reviewer: str
    source: VerdictSource
    at: datetime


AcknowledgementKind = Literal["default", "alternate"]

# The third argument of the Web SDK's AcknowledgeAlarm(instance, alarm, type) is `Ack` for the
# default acknowledgement (confirmed); `Nack` for the alternate one is inferred, as is the stream
# repeating it in `AckType` (see the README's trust section). Spelled-out names are accepted too.
_ACKNOWLEDGEMENT_KINDS: dict[str, AcknowledgementKind] = {
    "ack": "default",
    "default": "default",
    "nack": "alternate",
    "alternate": "alternate",
}


def acknowledgement_kind(ack_type: str | None) -> AcknowledgementKind | None:
    """'default' or 'alternate' for an acknowledgement type read from the event stream; None if unknown."""
    if ack_type is None:
        return None
    return _ACKNOWLEDGEMENT_KINDS.get(ack_type.strip().lower())


def verdict_for_acknowledgement(ack_type: str | None, false_alarm: AcknowledgementKind) -> Verdict | None:
    """The verdict an operator's acknowledgement gives, for a site where `false_alarm` means false."""
    kind = acknowledgement_kind(ack_type)
    if kind is None:
        return None
    return Verdict.FALSE if kind == false_alarm else Verdict.TRUE
