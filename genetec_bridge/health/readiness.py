"""When the bridge is ready to do its job, and if not, why: the body of a failing /readyz."""

from genetec_bridge.health.status import BridgeStatus


def not_ready_reasons(status: BridgeStatus) -> list[str]:
    """Empty when the Web SDK is reachable (with its event stream when alarms are configured), the
    daemon connected with its inference tier answering, and every camera streaming."""
    reasons = []
    if not status.websdk.reachable:
        reasons.append(_with_error("Web SDK unreachable", status.websdk.last_error))
    # None: no skill routes to an alarm, so the stream is not opened and cannot be missed.
    if status.websdk.event_stream_connected is False:
        reasons.append(_with_error("alarm acknowledgements not received", status.websdk.event_stream_error))
    if not status.daemon.connected:
        reasons.append(_with_error("analytics daemon not connected", status.daemon.last_error))
    elif status.daemon.inference is not None and not status.daemon.inference.available:
        tier = status.daemon.inference
        reasons.append(
            _with_error(f"inference tier {tier.tier} ({tier.target}) unavailable", tier.last_error)
        )
    if not status.cameras:
        reasons.append("no camera configured")
    for camera in status.cameras:
        if not camera.streaming:
            label = f"camera {camera.camera_id}" + (f" ({camera.name})" if camera.name else "")
            reasons.append(_with_error(f"{label} not streaming", camera.last_error))
    return reasons


def _with_error(reason: str, error: str | None) -> str:
    return f"{reason}: {error}" if error else reason
