"""What the skills see: tracked objects at one instant, in normalised coordinates.

Skills never see pixels. The perception stages (detector, tracker) produce these; the skills
consume them, which is what keeps the skills pure and testable without video.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# COCO class ids of the classes the skills use, in the detector's output order.
CLASS_IDS: dict[str, int] = {"person": 0, "bicycle": 1, "car": 2, "motorcycle": 3, "bus": 5, "truck": 7}
CLASS_NAMES: dict[int, str] = {v: k for k, v in CLASS_IDS.items()}
VEHICLE_CLASSES: frozenset[str] = frozenset({"bicycle", "car", "motorcycle", "bus", "truck"})


class SignalState(StrEnum):
    RED = "red"
    GREEN = "green"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TrackedObject:
    """One tracked object: box as normalised (x1, y1, x2, y2), 0–1 of frame width and height.

    Only confirmed tracks become TrackedObjects, with `track_id` from 1: skills never see a tentative
    one (see analytics.skills.event_factory)."""

    track_id: int
    class_name: str
    box: tuple[float, float, float, float]
    score: float


@dataclass(frozen=True, slots=True)
class FrameTracks:
    """Everything a skill is given for one analysed frame.

    `time_s` is seconds since the start of the stream or file, from frame timestamps (never a frame
    count); `frame` is the 1-based index of the frame in its source; `timestamp` is the UTC capture
    time for live streams and None offline. `signals` maps a red-light skill's name to the state its
    signal region showed in this frame (read from pixels at the edge, or from an external input);
    `signal_confidence` the share of its lamp reads over the last second that agree with that state
    (only signals read from pixels have one).
    """

    camera_id: str
    frame: int
    time_s: float
    objects: tuple[TrackedObject, ...]
    timestamp: datetime | None = None
    signals: Mapping[str, SignalState] = field(default_factory=dict)
    signal_confidence: Mapping[str, float] = field(default_factory=dict)
