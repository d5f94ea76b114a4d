"""The skill engine of one camera: filters, schedules and cool-downs around the pure skills.

The pipeline hands it every analysed frame; it gives each skill only the objects of its classes
above its confidence thresholds, runs a skill only inside its schedule, and holds back alerts that
come sooner than the skill's cool-down after its previous one. A skill switched off, or whose zone or
line is, is not run at all (`CameraConfig.running_skills`).
"""

from collections.abc import Mapping
from dataclasses import replace

from analytics.config.camera import CameraConfig
from analytics.config.schedule import Schedule
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks, SignalState
from analytics.skills.base import Skill
from analytics.skills.counting import CountingSkill, counts_csv
from analytics.skills.red_light import RedLightConfig
from analytics.skills.registry import SkillConfig, build_skill


def skill_on_camera(config: SkillConfig, camera: CameraConfig) -> Skill:
    """The skill `config` describes, on the zone or line of `camera` it names."""
    zones = {zone.name: zone.polygon for zone in camera.zones}
    lines = {line.name: line.points for line in camera.lines}
    return build_skill(config, camera.id, zones, lines, camera.ground.plane if camera.ground else None)


class Cooldown:
    """At most one alert per `cooldown_s` for a skill (its zone or line); the rest are held back.

    A held-back `start` also holds back the `end` of the same occurrence, so Security Center never
    receives an end it saw no start for. Re-arm is implicit: the first alert after the cool-down
    has elapsed goes through and starts a new one.
    """

    def __init__(self, cooldown_s: float) -> None:
        self._cooldown_s = cooldown_s
        self._last_alert_s: float | None = None
        self._held_back: set[tuple[str, int]] = set()

    def admit(self, events: list[AnalyticsEvent], now_s: float) -> list[AnalyticsEvent]:
        admitted = []
        for event in events:
            occurrence = (event.kind, event.track_id)
            if event.phase == "end":
                if occurrence in self._held_back:
                    self._held_back.discard(occurrence)
                    continue
            elif self._last_alert_s is not None and now_s - self._last_alert_s < self._cooldown_s:
                if event.phase == "start":
                    self._held_back.add(occurrence)
                continue
            else:
                self._last_alert_s = now_s
            admitted.append(event)
        return admitted


class TrackConfidence:
    """The best detection score each track has had: what the confidence threshold is applied to.

    A person half hidden behind another scores low for a few frames while the tracker still follows
    them (ByteTrack's second stage); dropping those frames would end a visit or lose a side of a
    line in the middle of an occlusion. A track is kept once any of its boxes reached the threshold,
    and so is every later box of it. Tracks unseen for `FORGET_S` are forgotten.
    """

    FORGET_S = 60.0

    def __init__(self) -> None:
        self._best: dict[int, tuple[float, float]] = {}  # track id → (best score, last seen)

    def update(self, frame: FrameTracks) -> dict[int, float]:
        for obj in frame.objects:
            best = self._best.get(obj.track_id, (0.0, 0.0))[0]
            self._best[obj.track_id] = (max(best, obj.score), frame.time_s)
        for track_id in [t for t, (_, seen) in self._best.items() if frame.time_s - seen > self.FORGET_S]:
            del self._best[track_id]
        return {obj.track_id: self._best[obj.track_id][0] for obj in frame.objects}


class _ScheduledSkill:
    """One configured skill with its filters, its schedule and its cool-down."""

    def __init__(self, config: SkillConfig, camera: CameraConfig, schedule: Schedule | None) -> None:
        self.config = config
        self.skill = skill_on_camera(config, camera)
        self._schedule = schedule
        self._cooldown = Cooldown(config.cooldown_s)
        self._confidence = TrackConfidence()

    def process(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        # Outside its window a skill sees an empty scene: nothing new starts, alerts already raised
        # end normally (after their grace period), and counts so far are kept.
        active = self._active(frame)
        best = self._confidence.update(frame)
        objects = tuple(
            o
            for o in frame.objects
            if active
            and o.class_name in self.config.classes
            and best[o.track_id] >= self.config.confidence_for(o.class_name)
        )
        return self._cooldown.admit(self.skill.update(replace(frame, objects=objects)), frame.time_s)

    def _active(self, frame: FrameTracks) -> bool:
        # Offline (no capture time) a weekly schedule cannot be evaluated: the skill runs throughout.
        if self._schedule is None or frame.timestamp is None:
            return True
        return self._schedule.is_active(frame.timestamp)


class SkillEngine:
    """Runs every skill of one camera on its frames; `process` returns the events, in skill order."""

    def __init__(self, camera: CameraConfig, schedules: Mapping[str, Schedule]) -> None:
        self._skills = [
            _ScheduledSkill(config, camera, schedules[config.schedule] if config.schedule else None)
            for config in camera.running_skills()
        ]
        self._external: dict[str, SignalState] = {}
        self._external_labels = {
            c.label
            for c in camera.running_skills()
            if isinstance(c, RedLightConfig) and c.signal.source == "external"
        }

    def set_external_signal(self, skill_label: str, state: SignalState) -> None:
        """The state a traffic controller reports for a red-light skill whose signal is 'external'."""
        if skill_label not in self._external_labels:
            raise KeyError(f"no red-light skill '{skill_label}' with an external signal on this camera")
        self._external[skill_label] = state

    def process(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        if self._external_labels:
            signals = {label: SignalState.UNKNOWN for label in self._external_labels}
            frame = replace(frame, signals={**frame.signals, **signals, **self._external})
        events: list[AnalyticsEvent] = []
        for scheduled in self._skills:
            events += scheduled.process(frame)
        return events

    def counts_csv(self) -> str:
        """Interval counts of the counting skills as CSV; empty when the camera counts nothing."""
        rows = []
        for scheduled in self._skills:
            if isinstance(scheduled.skill, CountingSkill):
                rows += scheduled.skill.counts_rows()
        return counts_csv(rows)
