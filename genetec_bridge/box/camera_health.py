"""What a camera's analysis badge says, from the bridge's last status snapshot (constant time).

Green ("analysing") only when everything a result needs holds: the stream arrives, the daemon is
connected with its inference tier answering, the last result is recent, and the snapshot itself is
fresh. A stream that arrives while the daemon crash-loops or stalls is red: no result came for a
while, whatever the reader says. Both the cameras page and the health page show this badge; their
script refreshes it every few seconds from `/api/health`, so an outage turns it red without a reload.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from genetec_bridge.health.snapshots import STALE_AFTER_S
from genetec_bridge.health.status import BridgeStatus, CameraStatus

# Results are late past this many frame periods, and never before RESULTS_LATE_MIN_S: a camera
# analysed at 1 frame/s may wait a few seconds on a busy daemon without being an outage.
RESULTS_LATE_PERIODS = 5
RESULTS_LATE_MIN_S = 10.0

Tone = Literal["ok", "bad", "wait", "off"]


@dataclass(frozen=True, slots=True)
class Badge:
    tone: Tone
    key: str
    """The message key of the badge's text (genetec_bridge.box.i18n)."""
    seconds: int | None = None
    """For the texts that say how long (`{seconds}`)."""
    detail: str | None = None
    """The component's own error, shown beside the badge."""


def badge_text(t: Callable[..., str], badge: Badge) -> str:
    """The badge's words in the reader's language (`t`: genetec_bridge.box.i18n.translator)."""
    return t(badge.key, seconds=badge.seconds) if badge.seconds is not None else t(badge.key)


def results_late_after_s(fps: float) -> float:
    return max(RESULTS_LATE_MIN_S, RESULTS_LATE_PERIODS / fps)


def camera_badge(status: BridgeStatus, camera_id: str, fps: float, snapshot_age_s: float | None) -> Badge:
    """The badge of a configured camera; `snapshot_age_s` None: no snapshot gathered yet."""
    if snapshot_age_s is None:
        return Badge("wait", "health.starting")
    if snapshot_age_s > STALE_AFTER_S:
        return Badge("bad", "health.snapshot_stuck", seconds=int(snapshot_age_s))
    camera = next((c for c in status.cameras if c.camera_id == camera_id), None)
    if camera is None:
        return Badge("wait", "health.starting")
    if not camera.streaming:
        return Badge("bad", "cameras.not_streaming", detail=camera.last_error)
    if not status.daemon.connected:
        return _late_or(camera, fps, Badge("bad", "health.daemon_down", detail=status.daemon.last_error))
    tier = status.daemon.inference
    if tier is not None and not tier.available:
        return Badge("bad", "health.inference_down", detail=tier.last_error)
    return _late_or(camera, fps, Badge("ok", "health.analysing"))


def _late_or(camera: CameraStatus, fps: float, otherwise: Badge) -> Badge:
    age = camera.last_result_age_s
    if age is None:
        return otherwise if otherwise.tone == "bad" else Badge("wait", "health.no_result_yet")
    if age > results_late_after_s(fps):
        return Badge("bad", "health.results_stopped", seconds=int(age), detail=otherwise.detail)
    return otherwise
