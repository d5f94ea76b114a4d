"""What the maintainer sees: one snapshot of the bridge, rendered as /readyz, /metrics and JSON.

Each component fills its own part; nothing here may hold a secret.
"""

from pydantic import BaseModel, Field


class CameraStatus(BaseModel):
    camera_id: str
    name: str = ""
    streaming: bool = False
    frames_received: int = 0
    frames_delivered: int = Field(0, description="Frames the reader handed over for analysis (paced).")
    frames_analysed: int = 0
    frames_detected: int = Field(
        0, description="Analysed frames that went through the detector; the motion gate spared the rest."
    )
    frames_dropped: int = 0
    last_frame_age_s: float | None = None
    reconnects: int = 0
    last_error: str | None = None


class InferenceStatus(BaseModel):
    """The daemon's inference tier: in-process ONNX Runtime, or a Triton server."""

    tier: str = Field(description="'onnxruntime' or 'triton'.")
    target: str = Field(description="The device, or the Triton server's URL and model.")
    available: bool = False
    failures: int = Field(0, description="Inference requests failed in a row.")
    last_error: str | None = None


class DaemonStatus(BaseModel):
    connected: bool = False
    restarts: int = 0
    pid: int | None = None
    inference_latency_s: float | None = Field(
        None, description="Mean detector latency per batch, recent frames."
    )
    inference: InferenceStatus | None = Field(None, description="Null until the daemon reported its tier.")
    last_error: str | None = None


class DeliveryStatus(BaseModel):
    produced: int = 0
    delivered: int = 0
    pending: int = 0
    rejected: int = Field(0, description="Events Security Center kept refusing, parked in the outbox.")
    oldest_pending_age_s: float | None = None
    last_error: str | None = None


class WebSdkStatus(BaseModel):
    reachable: bool = False
    last_error: str | None = None
    event_stream_connected: bool | None = Field(
        None, description="Alarm notification stream; null when no skill routes to an alarm."
    )
    event_stream_error: str | None = None


class LineCrossings(BaseModel):
    """Crossings of a counting skill's line since the bridge started, for one class and direction."""

    camera_id: str
    line: str
    class_name: str
    direction: str = Field(description="'A->B' or 'B->A'.")
    count: int = 0


class AlarmResponses(BaseModel):
    """Alarms the bridge triggered for one skill of a camera, and how operators answered them."""

    camera_id: str
    skill: str
    triggered: int = 0
    acknowledged: int = 0
    acknowledgement_delay_s_sum: float = Field(
        0.0, description="Seconds from trigger to acknowledgement, summed over the acknowledged alarms."
    )


class BridgeStatus(BaseModel):
    websdk: WebSdkStatus = Field(default_factory=WebSdkStatus)
    daemon: DaemonStatus = Field(default_factory=DaemonStatus)
    delivery: DeliveryStatus = Field(default_factory=DeliveryStatus)
    cameras: list[CameraStatus] = Field(default_factory=list)
    line_crossings: list[LineCrossings] = Field(default_factory=list)
    alarms: list[AlarmResponses] = Field(default_factory=list)
