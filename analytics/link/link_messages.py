"""Typed messages between the bridge and the daemon, one JSON object per line.

Images never travel in messages: a `FrameReady` names the shared-memory slot the bridge wrote the
frame into. Only tracked boxes (class, track id), events, counters and times come back.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.config.schedule import Schedule
from analytics.config.strict_model import StrictModel
from analytics.events import AnalyticsEvent


class Configure(StrictModel):
    """Bridge → daemon, at every (re)connection: the cameras to analyse and the schedules they use."""

    type: Literal["configure"] = "configure"
    site: AnalyticsSite


class ReconfigureCamera(StrictModel):
    """Bridge → daemon, when the configuration box applies a change: one camera's new configuration,
    or its removal (`camera` None). Only that camera's skills start afresh (its tracker keeps its
    tracks); every other camera keeps its tracks, open visits and cool-downs."""

    type: Literal["reconfigure"] = "reconfigure"
    camera_id: str
    camera: CameraConfig | None = None
    schedules: dict[str, Schedule] = Field(default_factory=dict)


class RingAttach(StrictModel):
    """Bridge → daemon: the shared-memory ring a camera's frames are written into.

    Sent at (re)connection and whenever the bridge recreates a ring (a larger frame size).
    """

    type: Literal["ring"] = "ring"
    camera: str
    name: str = Field(description="Shared-memory segment name.")
    slots: int = Field(ge=1)
    slot_bytes: int = Field(ge=1, description="Bytes of one slot, header excluded.")


class FrameReady(StrictModel):
    """Bridge → daemon: a frame is in `slot` of the camera's ring (BGR, uint8, `shape` = h, w, 3)."""

    type: Literal["frame"] = "frame"
    camera: str
    slot: int = Field(ge=0)
    shape: tuple[int, int, int]
    frame: int = Field(ge=1, description="1-based frame index from the camera reader.")
    time_s: float = Field(description="Seconds from the reader's first frame (capture clock).")
    captured_at: datetime


class Hello(StrictModel):
    """Daemon → bridge, first message of a connection."""

    type: Literal["hello"] = "hello"
    pid: int
    device: str = Field(description="Where inference runs, e.g. 'cpu', 'cuda'.")
    batch_size: int


class TrackBox(StrictModel):
    """One tracked object of an analysed frame: what the configuration box draws and replays."""

    track_id: int
    class_name: str
    box: tuple[float, float, float, float] = Field(description="Normalised (x1, y1, x2, y2).")
    score: float


class FrameResult(StrictModel):
    """Daemon → bridge: one analysed frame of a camera, with the events it caused.

    `dropped` counts this camera's frames skipped since its previous result: superseded by a newer
    frame before the daemon reached them, or overwritten in the ring by the bridge.
    """

    type: Literal["result"] = "result"
    camera: str
    frame: int
    time_s: float
    captured_at: datetime
    dropped: int = Field(0, ge=0)
    counts: dict[str, int] = Field(default_factory=dict, description="Tracks in the frame, by class.")
    detected: bool = Field(
        True, description="False when the motion gate spared the detector: the tracks are the last detected."
    )
    stage_cpu_s: dict[str, float] = Field(
        default_factory=dict,
        description="CPU seconds per analysis stage (transport, motion, detection, tracking, skills) of the"
        " batch this frame was part of, carried by the batch's first frame only.",
    )
    objects: list[TrackBox] = Field(
        default_factory=list,
        description="The frame's tracked objects: boxes, classes, track ids (no pixels).",
    )
    signals: dict[str, str] = Field(
        default_factory=dict, description="State of each red-light skill's signal in this frame."
    )
    events: list[AnalyticsEvent] = Field(default_factory=list)
    inference_s: float = Field(
        description="Seconds from the start of this frame's batch until its detections up to this frame were in."
    )


class InferenceState(StrictModel):
    """Daemon → bridge: the inference tier's state, after Hello and whenever a request fails or the
    tier answers again. While the tier fails it comes at every retry, so the bridge sees the daemon alive."""

    type: Literal["inference"] = "inference"
    tier: Literal["onnxruntime", "triton"]
    target: str = Field(description="The device, or the Triton server's URL and model.")
    available: bool
    failures: int = Field(0, ge=0, description="Requests failed in a row.")
    last_error: str | None = None


class LinkError(StrictModel):
    """Daemon → bridge: a message was refused (bad configuration, unknown camera); the link stays up."""

    type: Literal["error"] = "error"
    message: str


ToDaemon = Annotated[Configure | ReconfigureCamera | RingAttach | FrameReady, Field(discriminator="type")]
FromDaemon = Annotated[Hello | InferenceState | FrameResult | LinkError, Field(discriminator="type")]

TO_DAEMON: TypeAdapter[ToDaemon] = TypeAdapter(ToDaemon)
FROM_DAEMON: TypeAdapter[FromDaemon] = TypeAdapter(FromDaemon)
