"""A readable account of a valid site configuration, for the integrator checking their file.

It shows what the bridge will do (cameras, skills and where their alerts go) and never a secret. A
red-light skill routed to Security Center is shown with its two bookmarks (the vehicle straddling the
stop line, then past it), which every red-light alert brings whatever the routing's `bookmark` says
(see genetec_bridge.delivery.alert_text).
"""

from analytics.config.camera import CameraConfig
from analytics.config.schedule import Schedule
from analytics.skills.base import AlertRouting, SkillConfigBase
from genetec_bridge.config.site import DEV_APPLICATION_ID, GenetecConfig, MediaGatewayConfig, SiteConfig
from genetec_bridge.delivery.alert_text import BOOKMARK_ACTIONS


def describe_site(config: SiteConfig) -> list[str]:
    genetec, gateway, daemon = config.genetec, config.media_gateway, config.daemon
    application = "Genetec development id" if genetec.application_id == DEV_APPLICATION_ID else "custom"
    rtsp_user = f"as {gateway.username}" if gateway.username else "without credentials"
    lines = [
        f"Security Center: {genetec.url} as {genetec.username}, {_web_sdk_transport(genetec)},"
        f" application id: {application}",
        f"Media Gateway: {'rtsps' if gateway.tls else 'rtsp'}://{gateway.host}:{gateway.port}, "
        f"stream {gateway.stream} over {gateway.transport}, {rtsp_user}, {_rtsp_transport(gateway)}",
        f"Daemon: {'started by the bridge' if daemon.managed else 'run separately'}, {_inference(config)}, "
        f"batch {daemon.batch_size}, socket {daemon.socket_path}",
        f"Health: http://{config.health.listen}:{config.health.port}/healthz, /status and /metrics "
        + ("behind a bearer token" if config.health.token else "open (loopback only)"),
        f"Delivery: outbox {config.delivery.outbox_path}, at most "
        f"{config.delivery.max_events_per_minute_per_camera} events/min per camera, "
        f"retries {config.delivery.retry_initial_s:g} s to {config.delivery.retry_max_s:g} s",
        f"Counting: traffic counts in {config.counting.store_path}, kept {config.retention.counts_days} days,"
        f" local days and hours of {config.counting.timezone}",
        f"Audit trail: {config.audit.path}",
        f"Retention: outbox {config.delivery.keep_delivered_h:g} h delivered, "
        f"{config.delivery.keep_rejected_h:g} h refused; counts {config.retention.counts_days} d, "
        f"audit {config.retention.audit_days} d, verdicts {config.retention.verdicts_days} d, "
        f"track history {config.retention.track_history_h:g} h; purged every "
        f"{config.retention.purge_every_min:g} min",
        "Privacy documents: "
        + (
            "to complete in [privacy]: " + ", ".join(missing)
            if (missing := [k for k, v in config.privacy.model_dump().items() if not v])
            else "[privacy] complete"
        ),
        _trust(config),
        f"Schedules ({len(config.schedules)}):",
    ]
    if config.hosts:
        hosts = ", ".join(f"{h.name} ({h.health_url}, capacity {h.capacity:g})" for h in config.hosts)
        lines.insert(-1, f"Analysis hosts ({len(config.hosts)}): {hosts}")
    lines += [f"  {name}: {_schedule(schedule)}" for name, schedule in config.schedules.items()]
    lines.append(f"Cameras ({len(config.cameras)}):")
    for camera in config.cameras:
        lines += _camera(camera, gateway.stream)
    return lines


def _web_sdk_transport(genetec: GenetecConfig) -> str:
    if genetec.plain_http:
        return (
            "PLAIN HTTP (allow_plain_http = true): NO TLS, the password travels in clear text with every"
            " request"
        )
    if not genetec.verify_tls:
        return "TLS NOT VERIFIED (verify_tls = false)"
    return "TLS verified" + (f" against {genetec.ca_file}" if genetec.ca_file is not None else "")


def _rtsp_transport(gateway: MediaGatewayConfig) -> str:
    if not gateway.tls:
        return "no TLS (video and RTSP credentials in clear text)"
    if not gateway.verify_tls:
        return "TLS NOT VERIFIED (verify_tls = false)"
    return "TLS verified" + (f" against {gateway.ca_file}" if gateway.ca_file is not None else "")


def _inference(config: SiteConfig) -> str:
    daemon = config.daemon
    if daemon.inference == "triton":
        triton = daemon.triton
        return f"inference on Triton {triton.url} model {triton.model_name} (timeout {triton.timeout_s:g} s)"
    return f"inference in process, device {daemon.device}, model {daemon.model}"


def _schedule(schedule: Schedule) -> str:
    windows = "; ".join(f"{','.join(w.days)} {w.start}-{w.end}" for w in schedule.windows)
    return f"{windows} ({schedule.timezone})"


def _camera(camera: CameraConfig, default_stream: str) -> list[str]:
    head = f"  {camera.name or '(no name)'} [{camera.id}]: {camera.fps:g} fps, stream {camera.stream or default_stream}"
    if camera.analysis_host is not None:
        head += f", analysed on host {camera.analysis_host}"
    if camera.media_gateway is not None:
        head += f", Media Gateway {camera.media_gateway.host}:{camera.media_gateway.port}"
    if camera.privacy_masks:
        head += f", {len(camera.privacy_masks)} privacy mask(s)"
    lines = [
        head,
        f"    zones: {', '.join(z.name for z in camera.zones) or '-'}",
        f"    lines: {', '.join(ln.name for ln in camera.lines) or '-'}",
        f"    skills ({len(camera.skills)}):",
    ]
    lines += [f"      {_skill(skill)}" for skill in camera.skills]
    return lines


def _skill(skill: SkillConfigBase) -> str:
    target = "zone" if hasattr(skill, "zone") else "line"
    text = f"{skill.label}: {skill.kind} on {target} '{skill.target}', classes {', '.join(skill.classes)}"
    if skill.schedule:
        text += f", schedule {skill.schedule}"
    if skill.cooldown_s:
        text += f", cool-down {skill.cooldown_s:g} s"
    return f"{text} -> {_alert(skill.alert, skill.kind)}"


def _alert(alert: AlertRouting | None, kind: str) -> str:
    if alert is None:
        return "no Security Center output"
    outputs = [f"{alert.mode} at first: custom event {alert.custom_event_id}"]
    if alert.alarm:
        outputs.append(f"alarm {alert.alarm}")
    if kind == "red_light":
        outputs.append(f"{len(BOOKMARK_ACTIONS)} bookmarks (straddling the stop line, then past it)")
    elif alert.bookmark:
        outputs.append("bookmark")
    return " + ".join(outputs) + f" ({'/'.join(alert.phases)})"


def _trust(config: SiteConfig) -> str:
    trust = config.trust
    demoted = "sent back to shadow" if trust.demote_when_degraded else "reported only"
    return (
        f"Trust: target false-alert rate {trust.target_false_alert_rate:.0%}, {trust.false_alarm_acknowledgement}"
        f" acknowledgement = false alarm, watch over the last {trust.watch_verdicts} verdicts, degraded skills"
        f" {demoted}; store {trust.store_path}"
    )
