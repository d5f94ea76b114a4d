"""/metrics: the bridge status in Prometheus text format, rendered from the last snapshot gathered."""

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

from genetec_bridge.health.readiness import problems
from genetec_bridge.health.status import BridgeStatus

PREFIX = "genetec_bridge"


class StatusCollector(Collector):
    def __init__(self, snapshot: Callable[[], BridgeStatus]) -> None:
        self._snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        status = self._snapshot()
        yield from _camera_metrics(status)
        yield from _daemon_metrics(status)
        yield from _delivery_metrics(status)
        yield _line_crossings(status)
        yield from _alarm_metrics(status)
        yield from _loop_metrics(status)
        yield _gauge(
            "event_loop_longest_stall_seconds",
            "Longest time the event loop was held by one piece of work since start.",
            status.event_loop.longest_stall_s,
        )
        yield _gauge(
            "event_loop_recent_stall_seconds",
            "Longest time the event loop was held over the last minute.",
            status.event_loop.recent_stall_s,
        )
        yield _store_failures(status)
        yield _gauge("problems", "Problems named in /status; 0 when the state is ok.", len(problems(status)))
        yield _gauge(
            "status_snapshot_age_seconds",
            "Seconds since the status shown here was gathered (every second, in the background).",
            status.age_s(time.time()),
        )
        yield from _skill_trust_metrics(status)
        yield _gauge(
            "websdk_reachable", "1 when the last Web SDK call succeeded.", float(status.websdk.reachable)
        )


def render_metrics(snapshot: Callable[[], BridgeStatus]) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatusCollector(snapshot))
    return generate_latest(registry)


def _gauge(name: str, documentation: str, value: float | None) -> GaugeMetricFamily:
    family = GaugeMetricFamily(f"{PREFIX}_{name}", documentation)
    if value is not None:
        family.add_metric([], value)
    return family


def _counter(name: str, documentation: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(f"{PREFIX}_{name}", documentation, value=value)


def _camera_metrics(status: BridgeStatus) -> Iterator[Metric]:
    labels = ["camera", "name"]
    families = {
        "received": CounterMetricFamily(
            f"{PREFIX}_camera_frames_received", "Frames decoded from the camera's stream.", labels=labels
        ),
        "delivered": CounterMetricFamily(
            f"{PREFIX}_camera_frames_delivered", "Frames handed to analysis after pacing.", labels=labels
        ),
        "analysed": CounterMetricFamily(
            f"{PREFIX}_camera_frames_analysed", "Frames the daemon analysed.", labels=labels
        ),
        "detected": CounterMetricFamily(
            f"{PREFIX}_camera_frames_detected",
            "Analysed frames that went through the detector (the motion gate spared the others).",
            labels=labels,
        ),
        "dropped": CounterMetricFamily(
            f"{PREFIX}_camera_frames_dropped", "Frames due for analysis but dropped.", labels=labels
        ),
        "reconnects": CounterMetricFamily(
            f"{PREFIX}_camera_reconnects", "Times the reader reopened the stream.", labels=labels
        ),
    }
    streaming = GaugeMetricFamily(f"{PREFIX}_camera_streaming", "1 while frames arrive.", labels=labels)
    age = GaugeMetricFamily(
        f"{PREFIX}_camera_last_frame_age_seconds", "Seconds since the last frame arrived.", labels=labels
    )
    for camera in status.cameras:
        values = [camera.camera_id, camera.name]
        families["received"].add_metric(values, camera.frames_received)
        families["delivered"].add_metric(values, camera.frames_delivered)
        families["analysed"].add_metric(values, camera.frames_analysed)
        families["detected"].add_metric(values, camera.frames_detected)
        families["dropped"].add_metric(values, camera.frames_dropped)
        families["reconnects"].add_metric(values, camera.reconnects)
        streaming.add_metric(values, float(camera.streaming))
        if camera.last_frame_age_s is not None:
            age.add_metric(values, camera.last_frame_age_s)
    yield from families.values()
    yield streaming
    yield age


def _daemon_metrics(status: BridgeStatus) -> Iterator[Metric]:
    daemon = status.daemon
    yield _gauge("daemon_connected", "1 while the analytics daemon is connected.", float(daemon.connected))
    yield _counter("daemon_restarts", "Times the bridge restarted the analytics daemon.", daemon.restarts)
    yield _gauge(
        "inference_latency_seconds",
        "Mean detector latency per batch, recent frames.",
        daemon.inference_latency_s,
    )
    if daemon.inference is not None:
        yield _gauge(
            "inference_tier_available",
            "1 while the daemon's inference tier (in-process or Triton) answers.",
            float(daemon.inference.available),
        )


def _delivery_metrics(status: BridgeStatus) -> Iterator[Metric]:
    delivery = status.delivery
    yield _counter("events_produced", "Analytics events produced.", delivery.produced)
    yield _counter("events_delivered", "Analytics events delivered to Security Center.", delivery.delivered)
    yield _gauge("events_pending", "Events waiting in the outbox.", delivery.pending)
    yield _gauge(
        "events_parked", "Events parked in the outbox: retrying cannot deliver them.", delivery.rejected
    )
    yield _counter(
        "events_resent_in_doubt",
        "Requests sent again after an earlier copy got no answer (possible duplicates).",
        delivery.resent_in_doubt,
    )
    yield _gauge(
        "outbox_storage_ok", "0 while the outbox cannot be written.", float(delivery.storage_error is None)
    )
    yield _gauge("events_unstored", "Events held in memory until the outbox accepts them.", delivery.unstored)
    yield _gauge(
        "events_oldest_pending_age_seconds",
        "Age of the oldest undelivered event.",
        delivery.oldest_pending_age_s,
    )


def _alarm_metrics(status: BridgeStatus) -> Iterator[Metric]:
    labels = ["camera", "skill"]
    triggered = CounterMetricFamily(
        f"{PREFIX}_alarms_triggered", "Alarms the bridge triggered in Security Center.", labels=labels
    )
    acknowledged = CounterMetricFamily(
        f"{PREFIX}_alarms_acknowledged",
        "Alarms triggered by the bridge that an operator acknowledged.",
        labels=labels,
    )
    delay = SummaryMetricFamily(
        f"{PREFIX}_alarm_acknowledgement_delay_seconds",
        "Seconds from triggering an alarm to its acknowledgement by an operator.",
        labels=labels,
    )
    for alarms in status.alarms:
        values = [alarms.camera_id, alarms.skill]
        triggered.add_metric(values, alarms.triggered)
        acknowledged.add_metric(values, alarms.acknowledged)
        delay.add_metric(values, alarms.acknowledged, alarms.acknowledgement_delay_s_sum)
    yield triggered
    yield acknowledged
    yield delay
    if status.websdk.event_stream_connected is not None:
        yield _gauge(
            "event_stream_connected",
            "1 while the alarm notification stream is connected.",
            float(status.websdk.event_stream_connected),
        )


def _loop_metrics(status: BridgeStatus) -> Iterator[Metric]:
    restarts = CounterMetricFamily(
        f"{PREFIX}_loop_restarts",
        "Unexpected failures of a long-lived loop, each followed by a restart.",
        labels=["loop"],
    )
    restarting = GaugeMetricFamily(
        f"{PREFIX}_loop_restarting", "1 while a loop that failed lately is not stable again.", labels=["loop"]
    )
    for loop in status.loops:
        restarts.add_metric([loop.name], loop.restarts)
        restarting.add_metric([loop.name], float(loop.restarting))
    yield restarts
    yield restarting


def _store_failures(status: BridgeStatus) -> Metric:
    family = CounterMetricFamily(
        f"{PREFIX}_store_failures",
        "Failed reads and writes of a store (outbox, trust, statistics, audit) since start, each retried.",
        labels=["store"],
    )
    for store in status.stores:
        family.add_metric([store.store], store.failures)
    return family


def _line_crossings(status: BridgeStatus) -> Metric:
    family = CounterMetricFamily(
        f"{PREFIX}_line_crossings",
        "Crossings of the counting skills' lines since the bridge started.",
        labels=["camera", "line", "class", "direction"],
    )
    for crossings in status.line_crossings:
        family.add_metric(
            [crossings.camera_id, crossings.line, crossings.class_name, crossings.direction], crossings.count
        )
    return family


def _skill_trust_metrics(status: BridgeStatus) -> Iterator[Metric]:
    labels = ["camera", "skill"]
    gauges = {
        "live": "1 when the skill is live (raised to operators), 0 in shadow (kept for review only).",
        "degraded": "1 when a live skill's recent verdicts put its false-alert rate above the target.",
        "promotion_offered": "1 when the exact one-sided 95 % upper bound is below the target.",
        "false_alert_rate": "False verdicts / (true + false verdicts); absent before any.",
        "false_alert_rate_upper": "Exact (Clopper-Pearson) one-sided 95 % upper bound of the rate.",
        "false_alert_rate_lower": "Exact (Clopper-Pearson) one-sided 95 % lower bound of the rate.",
        "false_alert_rate_wilson_low": "Two-sided 95 % Wilson interval of the rate, low end.",
        "false_alert_rate_wilson_high": "Two-sided 95 % Wilson interval of the rate, high end.",
        "false_alert_rate_target": "The site's target false-alert rate.",
    }
    families = {
        name: GaugeMetricFamily(f"{PREFIX}_skill_{name}", documentation, labels=labels)
        for name, documentation in gauges.items()
    }
    alerts = CounterMetricFamily(
        f"{PREFIX}_skill_alerts",
        "Alerts kept for review, by the skill's mode when raised.",
        labels=[*labels, "mode"],
    )
    verdicts = CounterMetricFamily(
        f"{PREFIX}_skill_verdicts", "Verdicts on the skill's alerts.", labels=[*labels, "verdict"]
    )
    for skill in status.skills:
        values = [skill.camera_id, skill.skill]
        for name, value in (
            ("live", float(skill.mode == "live")),
            ("degraded", float(skill.degraded)),
            ("promotion_offered", float(skill.promotion_offered)),
            ("false_alert_rate", skill.false_alert_rate),
            ("false_alert_rate_upper", skill.exact_upper),
            ("false_alert_rate_lower", skill.exact_lower),
            ("false_alert_rate_wilson_low", skill.wilson_low),
            ("false_alert_rate_wilson_high", skill.wilson_high),
            ("false_alert_rate_target", skill.target),
        ):
            if value is not None:
                families[name].add_metric(values, value)
        alerts.add_metric([*values, "live"], skill.live_alerts)
        alerts.add_metric([*values, "shadow"], skill.alerts - skill.live_alerts)
        for verdict, count in (
            ("true", skill.verdicts_true),
            ("false", skill.verdicts_false),
            ("cannot_tell", skill.verdicts_cannot_tell),
        ):
            verdicts.add_metric([*values, verdict], count)
    yield from families.values()
    yield alerts
    yield verdicts
