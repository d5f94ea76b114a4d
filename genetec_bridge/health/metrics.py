"""/metrics: the bridge status in Prometheus text format, read from a fresh snapshot at each scrape."""

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

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
