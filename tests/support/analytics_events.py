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


def intrusion(index: int, camera: str) -> AnalyticsEvent:
    return AnalyticsEvent(
        id=f"{camera[-4:]}-intrusion-{index:05d}",
        kind="intrusion",
        skill="intrusion:Quai",
        phase="start",
        camera=camera,
        zone="Quai",
        class_name="person",
        track_id=index,
        frame=index * 10 + 1,
        time_s=index * 1.0,
        timestamp=START + timedelta(seconds=index),
    )


def crossing(index: int, camera: str) -> AnalyticsEvent:
    """A counting skill's crossing: delivered in the statistics lane."""
    return AnalyticsEvent(
        id=f"{camera[-4:]}-crossing-{index:05d}",
        kind="line_cross",
        skill="counting:L1",
        phase="instant",
        camera=camera,
        line="L1",
        class_name="car",
        track_id=index,
        frame=index * 10 + 1,
        time_s=index * 1.0,
        timestamp=START + timedelta(seconds=index),
        evidence=Evidence(direction="A->B"),
    )
