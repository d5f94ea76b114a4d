"""What the status means: ready (the core works) and ok or degraded (what is wrong, by name).

At 90 cameras one of them is nearly always down for maintenance; readiness must not hang on it, or a
load balancer or monitoring probe would see a bridge that is never ready. The core is what every
camera needs: the Web SDK reachable and the daemon connected, and at least one camera streaming (none
at all is a Media Gateway or network problem, not one camera's). Everything else that is wrong (a
camera down, a loop restarting, the alarm stream lost, undelivered events piling up) makes the
bridge `degraded` in /status, with one line per problem, without failing /readyz.
"""

import time

from genetec_bridge.health.snapshots import STALE_AFTER_S
from genetec_bridge.health.status import BridgeStatus, CameraStatus, StatusReport

# A stall this long holds every camera's results and every health probe: worth a maintainer's look.
LOOP_STALL_PROBLEM_S = 1.0


def not_ready_reasons(status: BridgeStatus) -> list[str]:
    """Empty when the Web SDK is reachable, the daemon connected with its inference tier answering, and
    some camera streaming."""
    reasons = []
    if not status.websdk.reachable:
        reasons.append(_with_error("Web SDK unreachable", status.websdk.last_error))
    if not status.daemon.connected:
        reasons.append(_with_error("analytics daemon not connected", status.daemon.last_error))
    elif status.daemon.inference is not None and not status.daemon.inference.available:
        tier = status.daemon.inference
        reasons.append(
            _with_error(f"inference tier {tier.tier} ({tier.target}) unavailable", tier.last_error)
        )
    if not status.cameras:
        reasons.append("no camera configured")
    elif not any(camera.streaming for camera in status.cameras):
        reasons.append(f"no camera streaming (0 of {len(status.cameras)})")
    return reasons


def problems(status: BridgeStatus) -> list[str]:
    """Every problem: the readiness reasons, an old snapshot, then cameras down, loops restarting, alarm
    stream, stores, delivery."""
    found = not_ready_reasons(status)
    age = status.age_s(time.time())
    if age is not None and age > STALE_AFTER_S:
        found.append(f"status gathered {age:.0f} s ago: its refresh is stuck (a store that does not answer?)")
    down = [camera for camera in status.cameras if not camera.streaming]
    if down and len(down) < len(status.cameras):
        found.append(f"{len(down)} of {len(status.cameras)} cameras not streaming")
    found += [_with_error(f"{_camera_label(camera)} not streaming", camera.last_error) for camera in down]
    found += [
        _with_error(f"loop {loop.name} restarting ({loop.restarts} restarts)", loop.last_error)
        for loop in status.loops
        if loop.restarting
    ]
    # None: no skill routes to an alarm, so the stream is not opened and cannot be missed.
    if status.websdk.event_stream_connected is False:
        found.append(_with_error("alarm acknowledgements not received", status.websdk.event_stream_error))
    if status.delivery.storage_error:
        # Events are held in memory meanwhile (nothing lost yet), but a bridge killed now would lose them.
        found.append(
            f"outbox not writable ({status.delivery.unstored} event(s) held in memory): {status.delivery.storage_error}"
        )
    for store in status.stores:
        if store.error is not None:
            found.append(f"{store.store} store failing ({store.failures} failure(s), retried): {store.error}")
        found += [
            f"{store.store} store was damaged: kept as {path}, a fresh one started"
            for path in store.moved_aside
        ]
    if status.event_loop.recent_stall_s >= LOOP_STALL_PROBLEM_S:
        found.append(f"event loop held {status.event_loop.recent_stall_s:.1f} s in the last minute")
    if status.delivery.last_error and status.delivery.pending:
        found.append(f"{status.delivery.pending} event(s) waiting: {status.delivery.last_error}")
    return found


def status_report(status: BridgeStatus) -> StatusReport:
    found = problems(status)
    return StatusReport(
        **dict(status),
        state="degraded" if found else "ok",
        problems=found,
        snapshot_age_s=status.age_s(time.time()),
    )


def _camera_label(camera: CameraStatus) -> str:
    return f"camera {camera.camera_id}" + (f" ({camera.name})" if camera.name else "")


def _with_error(reason: str, error: str | None) -> str:
    return f"{reason}: {error}" if error else reason
