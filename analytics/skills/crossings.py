"""Line crossings with hysteresis: the mechanics counting and red light share.

A subject's side of the line is only known once its anchor is at least `margin` away from the line;
a crossing is confirmed when it is that far on the other side, and is dated at the frame the anchor
last passed the line itself. Flicker on the line, stop-and-go in the band and a tracker id switch
near the line (the new id inherits the subject's side, see `subjects`) therefore count once.
A crossing counts only where it passes within the drawn segment, not its extension.
Each crossing says how long the step over the line took (`step_s`): a subject whose id came back
on the other side after an occlusion crossed unseen, which counting accepts and red light does not.
It also carries the step itself (`step`: the anchor's last sighting before the line and first beyond,
with their times), from which a calibrated camera places the passage between frames (see
analytics.skills.movements).
"""

from abc import abstractmethod
from dataclasses import dataclass

from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks
from analytics.geometry.coordinates import Point, Segment
from analytics.geometry.plane import along_segment, side_with_hysteresis, signed_distance, step_meets_line
from analytics.skills.base import LineSkillConfig, Skill
from analytics.skills.event_factory import EventFactory
from analytics.skills.subjects import Sighting, Subject, SubjectTracker


@dataclass(frozen=True, slots=True)
class Step:
    """The anchor's move over the line: last sighting before it, first beyond it, with their times."""

    before: Point
    before_s: float
    beyond: Point
    beyond_s: float


@dataclass(frozen=True, slots=True)
class Crossing:
    subject: Subject
    direction: str
    at: FrameTracks
    step_s: float  # from the last sighting before the line to the first beyond it
    step: Step | None = None  # None when the subject was first seen beyond the line


@dataclass(slots=True)
class _SideState:
    side: int = 0
    passed_at: FrameTracks | None = None
    passed_within: bool = False
    passed_step_s: float = 0.0
    passed_step: Step | None = None
    last: tuple[Point, float] | None = None  # the anchor seen last and its signed distance
    last_seen_s: float | None = None


class LineSides:
    """Confirmed side of each subject relative to one segment."""

    def __init__(self, segment: Segment, margin: float) -> None:
        self._segment = segment
        self._margin = margin
        self._states: dict[int, _SideState] = {}

    def update(self, frame: FrameTracks, sightings: list[Sighting]) -> list[Crossing]:
        crossings = []
        for sighting in sightings:
            state = self._states.setdefault(sighting.subject.key, _SideState())
            signed = signed_distance(sighting.anchor, self._segment)
            geometric = 1 if signed > 0 else -1
            if state.side and geometric != state.side and state.passed_at is None:
                state.passed_at = frame
                # Where the anchor's step met the line, not where it landed: a slanted step across
                # the end of the segment is judged by the point it passed through.
                passed = (
                    sighting.anchor
                    if state.last is None
                    else step_meets_line(*state.last, sighting.anchor, signed)
                )
                state.passed_within = 0.0 <= along_segment(passed, self._segment) <= 1.0
                state.passed_step_s = 0.0 if state.last_seen_s is None else frame.time_s - state.last_seen_s
                state.passed_step = (
                    None
                    if state.last is None or state.last_seen_s is None
                    else Step(state.last[0], state.last_seen_s, sighting.anchor, frame.time_s)
                )
            elif geometric == state.side:
                state.passed_at = None
            state.last = (sighting.anchor, signed)
            state.last_seen_s = frame.time_s
            side = side_with_hysteresis(signed, state.side, self._margin)
            if state.side and side != state.side and state.passed_at is not None:
                if state.passed_within:
                    direction = "A->B" if state.side > 0 else "B->A"
                    crossings.append(
                        Crossing(
                            sighting.subject,
                            direction,
                            state.passed_at,
                            state.passed_step_s,
                            state.passed_step,
                        )
                    )
                state.passed_at = None
            state.side = side
        return crossings

    def forget_except(self, keys: set[int]) -> None:
        for key in [k for k in self._states if k not in keys]:
            del self._states[key]


class LineCrossingSkill(Skill):
    """Follows subjects across the skill's line and hands each confirmed crossing to `on_crossing`."""

    def __init__(self, config: LineSkillConfig, camera_id: str, line: Segment, margin: float) -> None:
        self.config = config
        self._subjects = SubjectTracker(config.anchor, config.grace_s)
        self._sides = LineSides(line, margin)
        self._events = EventFactory(camera_id, config, line=config.line)

    def observe(self, frame: FrameTracks, sightings: list[Sighting]) -> None:
        """Sees every frame's sightings before the skill's line is judged (counting's origin lines)."""

    def forget_except(self, keys: set[int]) -> None:
        """Drops what the skill holds about subjects no longer remembered."""

    @abstractmethod
    def on_crossing(self, crossing: Crossing, events: EventFactory) -> list[AnalyticsEvent]:
        """Events (and, for counting, tallies) caused by one confirmed crossing."""

    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        sightings = self._subjects.update(frame)
        self.observe(frame, sightings)
        events = []
        for crossing in self._sides.update(frame, sightings):
            events += self.on_crossing(crossing, self._events)
        remembered = self._subjects.keys()
        self._sides.forget_except(remembered)
        self.forget_except(remembered)
        return events
