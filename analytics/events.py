"""The analytics event: the only thing, with track summaries, that leaves the daemon.

No pixels and no appearance: boxes, classes, tracks and times only.
"""

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from analytics.config.strict_model import StrictModel

EventKind = Literal["loitering", "intrusion", "parking", "red_light", "lane_misuse", "line_cross"]
Phase = Literal["start", "end", "instant"]


class Moment(StrictModel):
    """One moment of a red-light run that an officer checks on the recording (the type approvals'
    two images): the vehicle straddling the stop line, then wholly past it."""

    stage: Literal["straddling", "past"]
    frame: int = Field(description="1-based index of the frame in its source.")
    time_s: float = Field(description="Seconds since the start of the stream or file.")
    position: tuple[float, float] = Field(
        description="Normalised point judged against the line: the vehicle's front when straddling, "
        "its rear (the box's anchor) when past."
    )
    signal_state: str = Field(description="The signal state reported at this moment.")
    into_red_s: float | None = Field(
        None, description="Seconds since the lamp turned red (absent when the state was not red)."
    )
    signal_confidence: float | None = Field(
        None,
        description="Share of the last second's lamp reads that agreed with the state (signals read "
        "from video only).",
    )


class Evidence(StrictModel):
    """Why the event was raised, in terms an operator or an auditor can check."""

    dwell_s: float | None = Field(None, description="Seconds of presence (loitering, parking, lane misuse).")
    threshold_s: float | None = Field(None, description="The time threshold that was reached.")
    direction: str | None = Field(None, description="Crossing direction, 'A->B' or 'B->A' (line skills).")
    signal_state: str | None = Field(None, description="Signal state at the crossing (red light).")
    min_confidence: float | None = Field(None, description="Detection confidence threshold used.")
    positions: list[tuple[float, float]] = Field(
        default_factory=list, description="Last few normalised anchor positions of the object, oldest first."
    )
    track_ids: list[int] = Field(
        default_factory=list, description="Tracker ids merged into this object (id switches re-associated)."
    )
    french_class: str | None = Field(
        None,
        description="French counting class of a counted vehicle: VL, PL, 2RM, vélo or piéton (counting).",
    )
    classified_by: Literal["size_and_detector", "relative_size", "detector"] | None = Field(
        None,
        description="'size_and_detector': the camera is calibrated and the length was measured;"
        " 'relative_size': no calibration, the box height against a car's at its place in the picture"
        " (size_ratio) with the detector's class; 'detector': the detector's class alone (no"
        " calibration and no car scale learned yet, or no length measurable).",
    )
    size_ratio: float | None = Field(
        None,
        description="Uncalibrated camera: the vehicle's box height over a car's at the same place in the"
        " picture, the median over its track (1 is a car; a PL from 1.72).",
    )
    length_m: float | None = Field(None, description="Measured vehicle length on the ground plane, metres.")
    height_m: float | None = Field(
        None, description="Measured vehicle height, metres, when the track's views allowed it."
    )
    speed_kmh: float | None = Field(
        None, description="Speed along the track on the ground plane at the counting line, km/h."
    )
    speed_from: Literal["fitted_box", "anchor"] | None = Field(
        None,
        description="What gave speed_kmh: 'fitted_box', the box fitted to the vehicle placed at each sighting"
        " (a fixed point of it); 'anchor', the image box's bottom centre (no box could be fitted).",
    )
    moments: list[Moment] = Field(
        default_factory=list, description="Red light: the moments straddling and past the stop line."
    )
    origin: str | None = Field(
        None,
        description="Origin line the vehicle crossed last before this counting line (turning movements).",
    )
    origin_direction: str | None = Field(
        None, description="Direction it crossed the origin line, 'A->B' or 'B->A'."
    )
    line_distance_m: float | None = Field(
        None,
        description="Ground distance between where the vehicle crossed the origin line and this line, metres.",
    )
    line_speed_kmh: float | None = Field(
        None,
        description="Speed between the origin line and this line: line_distance_m over the time between, km/h.",
    )
    line_speed_from: Literal["fitted_box", "anchor"] | None = Field(
        None,
        description="What placed the two passages: 'fitted_box', the front of the box fitted to the vehicle;"
        " 'anchor', the image box's bottom centre (no box fitted, or the origin's passage older than the"
        " sightings kept).",
    )


class AnalyticsEvent(StrictModel):
    """One alert or count produced by a skill."""

    id: str = Field(
        description="Stable id: the same occurrence always gets the same id (idempotent delivery)."
    )
    kind: EventKind
    skill: str = Field(description="Name of the skill instance in the camera's configuration.")
    phase: Phase
    camera: str = Field(description="Camera id (Genetec camera GUID).")
    zone: str | None = None
    line: str | None = None
    class_name: str = Field(alias="class", description="Object class, e.g. person, car.")
    track_id: int
    frame: int = Field(description="1-based index of the frame in its source.")
    time_s: float = Field(description="Seconds since the start of the stream or file.")
    timestamp: datetime | None = Field(None, description="UTC capture time (live streams).")
    evidence: Evidence = Field(default_factory=Evidence)

    model_config = ConfigDict(populate_by_name=True)  # merged with StrictModel's

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)
