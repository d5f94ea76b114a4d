"""Analytics events for delivery tests: realistic kinds, stable ids, one GUID per camera."""

from datetime import UTC, datetime, timedelta

from analytics.events import AnalyticsEvent, Evidence

START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def loitering(index: int, camera: str, phase: str = "start") -> AnalyticsEvent:
    return AnalyticsEvent(
        id=f"{camera[-4:]}-loitering-{index:05d}",
        kind="loitering",
        skill="loitering:Parvis",
        phase=phase,
        camera=camera,
        zone="Parvis",
        class_name="person",
        track_id=index,
        frame=index * 10 + 1,
        time_s=index * 1.0,
        timestamp=START + timedelta(seconds=index),
        evidence=Evidence(dwell_s=23.4, threshold_s=20.0),
    )
