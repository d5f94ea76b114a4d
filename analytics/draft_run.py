"""A draft configuration run over recorded tracks: what each skill would have raised, raising nothing.

The configuration box replays the last hour of a camera's tracks (and, for its live view, the last
minutes) through a fresh skill engine built from the draft. Times are taken from the capture times,
so a reader reconnection inside the hour (which restarts the stream clock) does not confuse the skills.
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace

from analytics.config.camera import CameraConfig
from analytics.config.schedule import Schedule
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks
from analytics.skills.engine import SkillEngine


def draft_events(
    camera: CameraConfig, schedules: Mapping[str, Schedule], frames: Iterable[FrameTracks]
) -> list[AnalyticsEvent]:
    engine = SkillEngine(camera, schedules)
    events: list[AnalyticsEvent] = []
    first = None
    for frame in frames:
        if frame.timestamp is not None:
            first = first or frame.timestamp
            frame = replace(frame, time_s=(frame.timestamp - first).total_seconds())
        events += engine.process(frame)
    return events
