"""What the maintainer sees: one snapshot of the bridge, rendered as /readyz, /metrics and JSON.

The snapshot is gathered in the background (genetec_bridge.health.snapshots) and says when.

Each component fills its own part; nothing here may hold a secret.
"""

from typing import Literal

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
    last_result_age_s: float | None = Field(
        None, description="Seconds since the daemon's last result for this camera; null before any."
    )
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


class ParkedEvent(BaseModel):
    """An event delivery stopped trying: retrying cannot fix it. `genetec-bridge deliver` requeues it."""

    event_id: str
    camera_id: str
    reason: str
    parked_at: float = Field(description="Unix time it was parked.")


class DeliveryStatus(BaseModel):
    produced: int = 0
    delivered: int = 0
    pending: int = 0
    rejected: int = Field(0, description="Events parked in the outbox (refused, or undeliverable).")
    parked: list[ParkedEvent] = Field(default_factory=list, description="The most recently parked events.")
    resent_in_doubt: int = Field(
        0, description="Requests sent again after an earlier copy got no answer: possible duplicates."
    )
    storage_error: str | None = Field(
        None, description="Outbox (SQLite) error while it lasts; events are held in memory and retried."
    )
    unstored: int = Field(0, description="Events held in memory until the outbox accepts them.")
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


class LoopStatus(BaseModel):
    """A supervised long-lived loop (genetec_bridge.supervision): restarted after any failure."""

    name: str = Field(
        description="'reader <camera id>', 'daemon', 'websdk', 'alarm event stream', 'delivery'."
    )
    restarts: int = Field(0, description="Times the loop failed unexpectedly and was restarted.")
    last_error: str | None = None
    restarting: bool = Field(
        False, description="The loop failed lately and has not run long enough since to count as stable."
    )


class SkillTrust(BaseModel):
    """The trust loop's figures of one skill on one camera (genetec_bridge.trust)."""

    camera_id: str
    skill: str
    mode: str = Field(description="'shadow' (alerts kept for review only) or 'live' (raised to operators).")
    live_requested: bool = Field(
        False,
        description="In shadow while the site file says mode 'live': waiting for a named decision (a"
        " promotion from the review page or `genetec-bridge trust promote`).",
    )
    degraded: bool = Field(
        False, description="Live, and its recent verdicts put its false-alert rate above the target."
    )
    alerts: int = 0
    live_alerts: int = Field(0, description="Alerts raised while the skill was live.")
    verdicts_true: int = 0
    verdicts_false: int = 0
    verdicts_cannot_tell: int = 0
    false_alert_rate: float | None = Field(None, description="false / (true + false); null before any.")
    exact_upper: float = Field(1.0, description="Exact one-sided 95 % upper bound of the rate (the gate).")
    exact_lower: float = Field(0.0, description="Exact one-sided 95 % lower bound of the rate.")
    wilson_low: float = Field(0.0, description="Two-sided 95 % Wilson interval, low end.")
    wilson_high: float = Field(1.0, description="Two-sided 95 % Wilson interval, high end.")
    promotion_offered: bool = Field(False, description="The upper bound is below the target.")
    recent_exact_lower: float = Field(
        0.0, description="Exact one-sided 95 % lower bound over the watch's recent verdicts."
    )
    target: float = Field(0.10, description="The site's target false-alert rate.")


class EventLoopStatus(BaseModel):
    """How long the bridge's event loop was held by one piece of work (health/loop_lag.py)."""

    longest_stall_s: float = Field(0.0, description="Longest stall since the bridge started, in seconds.")
    recent_stall_s: float = Field(0.0, description="Longest stall over the last minute, in seconds.")


class StoreProblem(BaseModel):
    """A store (outbox, trust, statistics, audit) that failed a write or was found damaged at open."""

    store: str = Field(description="'outbox', 'trust', 'statistics', 'audit', ...")
    error: str | None = Field(None, description="The current error while it lasts; null once writes succeed.")
    since: float | None = Field(None, description="Unix time the current error began.")
    failures: int = Field(0, description="Failed operations since the bridge started (retried).")
    moved_aside: list[str] = Field(
        default_factory=list, description="Damaged files set aside at open (a fresh store was started)."
    )


class BridgeStatus(BaseModel):
    websdk: WebSdkStatus = Field(default_factory=WebSdkStatus)
    daemon: DaemonStatus = Field(default_factory=DaemonStatus)
    delivery: DeliveryStatus = Field(default_factory=DeliveryStatus)
    cameras: list[CameraStatus] = Field(default_factory=list)
    line_crossings: list[LineCrossings] = Field(default_factory=list)
    alarms: list[AlarmResponses] = Field(default_factory=list)
    skills: list[SkillTrust] = Field(default_factory=list)
    loops: list[LoopStatus] = Field(default_factory=list)
    stores: list[StoreProblem] = Field(default_factory=list)
    event_loop: EventLoopStatus = Field(default_factory=EventLoopStatus)
    taken_at: float | None = Field(
        None, description="Unix time this snapshot was gathered (every second, in the background)."
    )

    def age_s(self, now: float) -> float | None:
        return None if self.taken_at is None else max(0.0, now - self.taken_at)


class StatusReport(BridgeStatus):
    """/status: the snapshot with its verdict, so the maintainer reads what is wrong at the top."""

    state: Literal["ok", "degraded"] = Field(
        description="'ok' when nothing is wrong; 'degraded' names the problems (the bridge may still be ready)."
    )
    problems: list[str] = Field(default_factory=list, description="What is wrong, one line each.")
    snapshot_age_s: float | None = Field(None, description="Seconds since the snapshot shown was gathered.")
