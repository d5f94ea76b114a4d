"""Red light: a vehicle crosses the stop line on red in the controlled direction and goes on into
the junction.

What a traffic officer signs is a vehicle that entered the junction against the red, not one whose
wheel is over the paint. Each subject (see `subjects`) goes through a small state machine:

    approaching ──front over the line──▶ straddling ──rear over the line──▶ past
    past ──rear `proceed_distance` beyond within `proceed_within_s`, passed on red──▶ run

- The front is the part that crosses first. For traffic moving away from the camera (the line's
  beyond side is up the image) it is the point `front_share` of the box's height up from its bottom,
  where the front wheels touch the road; for traffic coming towards the camera or across the image
  it is the box's anchor (bottom centre), which is already its front. The rear is the anchor.
  On a calibrated camera (`[cameras.ground]`, a camera recovered from it) no share is guessed: the
  box's top is the far end's roof, placed in 3D at the class's typical height
  (`vehicle_size.TYPICAL_SIZE_M`) and dropped to the road, and of that far end and the anchor on
  the ground, the one farther along the direction of travel (beyond the line's ground image) is the
  front. A vehicle as tall as its class's typical height is dated exactly; a taller one's front is
  placed a little short of where it is, a lower one's a little beyond.
- A subject first seen with its front over the line and its rear behind it starts straddling then
  (a car already over the line when the camera started, or when the track began).
- A run is counted once per subject: a rider who crosses the line and the crosswalk, waits at the
  edge of the junction and goes on later raises one alert, at the run.
- A creep that stops at or just over the line (straddling, or past with the rear not yet
  `proceed_distance` beyond within `proceed_within_s`) is never counted, even if it goes on later:
  what happens after such a pause is for a person to judge from the recording.
- The signal is judged at the rear's passing (`past`): red then and still red `hold_s` later
  (`signal_clock`), so a late read within the hold after a change to green raises nothing. A vehicle
  that straddled during amber and passed on red is a run; one already past when the red began is
  not. An unknown signal (dark, amber, unreadable) never alerts: a wrong alert costs an operator
  more than a missed one here.
- The vehicle must be seen doing it: followed over the line (each step over it within `grace_s`) and
  on into the junction without being lost for longer than `grace_s`. A queued vehicle hidden behind
  others, whose tracker id comes back seconds later on a box beyond the line, keeps its side of the
  line (see `subjects`), so the line reports a crossing, but nobody saw it cross on red.
- A rider (`RIDER_CLASSES`) filtering between or beside queued cars and hidden behind one for up to
  `RIDE_THROUGH_S` is followed through by its motion (`subjects.RideThrough`): seen again where its
  speed would have taken it, under a new id or its own, it continues its subject, and the step over
  the line made while hidden counts as seen. Its moments are then both dated at its first sighting beyond the line,
  where the recording shows it. A rider found far from where its motion would have taken it
  (stopped, turned) starts a subject of its own, which the line, first seen beyond it, never counts.

The alert is dated when the front crossed the line (straddling) and carries both moments (frame,
time, the point judged, the signal state, the time into red and the read's confidence at each) and
the subject's path (its anchor, the rear) over its last `PATH_KEPT` sightings up to the run. A
red-light alert is a case for a person to review, never a fine: the bridge bookmarks both moments
(see `genetec_bridge.delivery.alert_text`).
"""

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Literal, Self

from pydantic import Field, model_validator

from analytics.config.strict_model import StrictModel
from analytics.events import AnalyticsEvent, Moment
from analytics.frame_tracks import FrameTracks, SignalState
from analytics.geometry.coordinates import Box, Point, Polygon, Segment
from analytics.geometry.ground import GroundPlane
from analytics.geometry.plane import along_segment, signed_distance
from analytics.skills.base import ClassName, LineSkillConfig, Skill
from analytics.skills.crossings import Crossing, LineSides
from analytics.skills.event_factory import EventFactory
from analytics.skills.subjects import RideThrough, Sighting, Subject, SubjectTracker
from analytics.skills.vehicle_size import TYPICAL_SIZE_M
from analytics.skills.visits import Instant
from analytics.traffic_light.signal_clock import SignalClock

LampColour = Literal["red", "amber", "green"]

# A motorbike seen from behind is often detected as its rider ('person'), sometimes also as a
# 'motorcycle', as two tracks: two violators whose boxes overlap by at least this share of the
# smaller box, within the proceed window, are one vehicle. Two riders side by side overlap far less.
SAME_VEHICLE_OVERLAP = 0.5
# Where the front wheels touch the road, as a share of the box's height from its bottom, for traffic
# moving away from the camera; read by eye on two cameras at different heights and tilts, both near
# a third: a motorbike seen from behind, rider included, about 0.3 of its box up (Giang Vo, a
# building-side camera at 640×480); a hatchback and a saloon about 0.34 (the UAE enforcement camera
# at 1280×720, wheels against a painted line). Where a camera is looked at from much higher or lower,
# read it again on a frame with a vehicle at the line.
# Two-wheelers filter between and beside queued cars and are hidden behind one for a second or so
# (`subjects.RideThrough`): a rider at 10 km/h passes a 4.5 m car in 1.6 s. Riders seen from behind
# are often detected as 'person'.
RIDER_CLASSES = frozenset({"motorcycle", "bicycle", "person"})
RIDE_THROUGH_S = 2.0
DEFAULT_FRONT_SHARE: dict[ClassName, float] = {
    "motorcycle": 0.3,
    "bicycle": 0.3,
    "person": 0.3,
    "car": 0.35,
    "truck": 0.35,
    "bus": 0.35,
}


class SignalConfig(StrictModel):
    """Where the signal state comes from."""

    source: Literal["video", "external"] = Field(
        "video",
        description="'video': read the lamps in `region`; 'external': pushed by the traffic controller.",
    )
    region: Polygon | None = Field(
        None,
        description="Normalised polygon drawn around the signal head's lamps (not its countdown display).",
    )
    lamps: list[LampColour] = Field(
        default_factory=lambda: list[LampColour](["red", "amber", "green"]),
        min_length=2,
        description="The lamps in `region`, from the top (vertical head) or the left (horizontal head).",
    )
    dominance: float = Field(
        3.0,
        ge=1.0,
        description="A lamp is lit when its colour stands out in its cell this many times more than in "
        "the other cells of the head.",
    )
    hold_s: float = Field(0.3, ge=0, description="A new colour must hold this long before the state changes.")

    @model_validator(mode="after")
    def _video_needs_region(self) -> Self:
        if self.source == "video" and self.region is None:
            raise ValueError("a signal read from video needs `region`, a polygon around the lamps")
        if len(set(self.lamps)) != len(self.lamps):
            raise ValueError(f"`lamps` names a lamp twice: {self.lamps}")
        return self


class RedLightConfig(LineSkillConfig):
    kind: Literal["red_light"] = "red_light"
    classes: list[ClassName] = Field(
        default_factory=lambda: list[ClassName](["car", "truck", "bus", "motorcycle"]),
        min_length=1,
        description="Vehicle classes; add 'person' where motorbikes seen from behind are detected as "
        "their riders (pedestrians crossing the stop line into the junction then count too).",
    )
    direction: Literal["A->B", "B->A"] = Field(
        "A->B",
        description="Crossing direction that violates the signal (A, B: the line's first and second points).",
    )
    signal: SignalConfig = Field(description="Where the signal state comes from (video region or external).")
    hysteresis: float = Field(
        0.01,
        ge=0,
        description="Normalised distance the point judged (the front, then the rear) must reach beyond "
        "the line for a crossing.",
    )
    proceed_distance: float = Field(
        0.08,
        ge=0,
        description="Normalised distance beyond the stop line (at right angles to it) the rear (the "
        "anchor) must reach after passing it on red: where the junction begins, e.g. the far edge of "
        "the crosswalk.",
    )
    proceed_within_s: float = Field(
        3.0, gt=0, description="Seconds after its rear passed the line within which it must get that far."
    )
    front_share: dict[ClassName, float] = Field(
        default_factory=lambda: dict(DEFAULT_FRONT_SHARE),
        description="Traffic moving away from the camera: where the front wheels touch the road, as a "
        "share of the box's height up from its bottom, by class (read on a frame with a vehicle at the "
        "line; it depends on the camera's height and tilt). A class not listed is judged by its anchor.",
    )

    @model_validator(mode="after")
    def _shares_within_the_box(self) -> Self:
        outside = {name: share for name, share in self.front_share.items() if not 0 <= share < 1}
        if outside:
            raise ValueError(
                f"`front_share` must be at least 0 and below 1 (the box's bottom to top): {outside}"
            )
        return self


# Sightings of a subject's path an alert carries: at 25 fps, the 5 s from well before the line to
# the junction; at 6 fps, 20 s.
PATH_KEPT = 120


@dataclass(slots=True)
class _Passage:
    """One subject's way over the line: the state machine of the module docstring."""

    subject: Subject
    straddling: Moment | None = None
    straddling_at: Instant | None = None
    past: Moment | None = None
    seen_s: float = 0.0  # when the subject was last seen since its rear passed
    proceeded: bool = False
    settled: bool = False  # a run counted, or a passage that can no longer become one
    # (time, rear, front) of the latest sightings: the points a moment dated a few frames back shows.
    path: deque[tuple[float, Point, Point]] = field(default_factory=lambda: deque(maxlen=PATH_KEPT))

    def at(self, time_s: float) -> tuple[Point, Point]:
        """The rear and the front seen at `time_s` (the latest sighting when it is no longer kept)."""
        return next(((rear, front) for t, rear, front in self.path if t == time_s), self.path[-1][1:])


@dataclass(slots=True)
class _Violation:
    subject: Subject
    time_s: float


class _GroundFront:
    """A calibrated camera's front: of the box's two ends on the ground, the one farther along the
    direction of travel (see the module docstring)."""

    def __init__(self, plane: GroundPlane, line: Segment, forward: float) -> None:
        self._plane = plane
        self._line = (plane.to_ground(line[0]), plane.to_ground(line[1]))
        # Which side of the line's ground image is beyond: that of a point just beyond it on the image.
        (xa, ya), (xb, yb) = line
        length = math.hypot(xb - xa, yb - ya)
        step = 0.01 * forward / length
        probe = ((xa + xb) / 2 - step * (yb - ya), (ya + yb) / 2 + step * (xb - xa))
        self._sign = math.copysign(1.0, signed_distance(plane.to_ground(probe), self._line))

    def __call__(self, subject: Subject) -> Point:
        rear = self._plane.to_ground(subject.anchor)
        far = self._far_end(subject)
        if far is None or self._beyond(far) <= self._beyond(rear):
            return subject.anchor
        return self._plane.to_image(far)

    def _beyond(self, ground: Point) -> float:
        return self._sign * signed_distance(ground, self._line)

    def _far_end(self, subject: Subject) -> Point | None:
        """Where the box's top, the far end's roof at the class's typical height, stands on the road."""
        camera, size = self._plane.camera, TYPICAL_SIZE_M.get(subject.class_name)
        height = None if size is None else size[1]
        if camera is None or height is None or camera.height_m <= height:
            return None
        x1, y1, x2, _ = subject.box
        ray = camera.ray(self._plane.pixel(((x1 + x2) / 2, y1)))
        if ray[2] >= 0:
            return None  # above the horizon
        reach = (camera.height_m - height) / -float(ray[2])
        return (float(camera.centre[0] + reach * ray[0]), float(camera.centre[1] + reach * ray[1]))


class RedLightSkill(Skill):
    """A `red_light` instant, dated when the vehicle's front crossed the stop line, once it has run."""

    def __init__(
        self, config: RedLightConfig, camera_id: str, line: Segment, ground: GroundPlane | None = None
    ) -> None:
        self.config = config
        self._line = line
        riders = RideThrough(RIDER_CLASSES & set(config.classes), max(RIDE_THROUGH_S, config.grace_s))
        self._subjects = SubjectTracker(config.anchor, config.grace_s, riders)
        self._fronts = LineSides(line, config.hysteresis)
        self._rears = LineSides(line, config.hysteresis)
        self._events = EventFactory(camera_id, config, line=config.line)
        hold_s = config.signal.hold_s if config.signal.source == "video" else 0.0
        self._hold_s = hold_s
        self._clock = SignalClock(hold_s)
        # Beyond the line in the violating direction: A->B starts on the positive side.
        self._forward = -1.0 if config.direction == "A->B" else 1.0
        (xa, ya), (xb, yb) = line
        # How far up the image "beyond" points: 1 for a line crossed straight up, 0 across the image.
        self._away = max(0.0, -self._forward * (xb - xa) / math.hypot(xb - xa, yb - ya))
        self._front_share: dict[str, float] = {name: share for name, share in config.front_share.items()}
        self._ground_front = (
            _GroundFront(ground, line, self._forward) if ground is not None and ground.camera else None
        )
        self._passages: dict[int, _Passage] = {}
        self._violations: list[_Violation] = []

    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        label = self.config.label
        self._clock.update(
            frame.time_s, frame.signals.get(label, SignalState.UNKNOWN), frame.signal_confidence.get(label)
        )
        sightings = self._subjects.update(frame)
        fronts = [Sighting(s.subject, self._front(s.subject)) for s in sightings]
        for sighting, front in zip(sightings, fronts, strict=True):
            self._follow(sighting, front.anchor, frame)
        for crossing in self._fronts.update(frame, fronts):
            self._front_crossed(crossing)
        for crossing in self._rears.update(frame, sightings):
            self._rear_crossed(crossing)
        remembered = self._subjects.keys()
        self._fronts.forget_except(remembered)
        self._rears.forget_except(remembered)
        for key in [k for k in self._passages if k not in remembered]:
            del self._passages[key]
        return self._judge(frame.time_s)

    def _front(self, subject: Subject) -> Point:
        if self._ground_front is not None:
            return self._ground_front(subject)
        height = subject.box[3] - subject.box[1]
        share = self._front_share.get(subject.class_name, 0.0) * self._away
        return (subject.anchor[0], subject.anchor[1] - share * height)

    def _beyond(self, point: Point) -> float:
        return self._forward * signed_distance(point, self._line)

    def _follow(self, sighting: Sighting, front: Point, frame: FrameTracks) -> None:
        """Extends the subject's path; a subject first seen straddling the line starts straddling."""
        passage = self._passages.get(sighting.subject.key)
        if passage is None:
            passage = self._passages[sighting.subject.key] = _Passage(sighting.subject)
            margin = self.config.hysteresis
            if (
                self._beyond(front) >= margin
                and self._beyond(sighting.anchor) <= -margin
                and 0.0 <= along_segment(front, self._line) <= 1.0
            ):
                self._straddle(passage, front, Instant.of(frame))
        passage.path.append((frame.time_s, sighting.anchor, front))

    def _front_crossed(self, crossing: Crossing) -> None:
        passage = self._passages[crossing.subject.key]
        if passage.past is not None:
            return
        if crossing.direction != self.config.direction:
            passage.straddling = passage.straddling_at = None  # backed off the line
        elif self._seen(crossing.subject, crossing.step_s, crossing.at.time_s):
            self._straddle(passage, passage.at(crossing.at.time_s)[1], Instant.of(crossing.at))

    def _straddle(self, passage: _Passage, front: Point, at: Instant) -> None:
        passage.straddling_at = at
        passage.straddling = self._moment("straddling", at, front)

    def _rear_crossed(self, crossing: Crossing) -> None:
        passage = self._passages[crossing.subject.key]
        seen = self._seen(crossing.subject, crossing.step_s, crossing.at.time_s)
        if crossing.direction != self.config.direction or passage.settled or not seen:
            return
        at = Instant.of(crossing.at)
        if passage.straddling is None:  # front and rear over together: seen coming towards the camera
            self._straddle(passage, passage.at(at.time_s)[0], at)
        passage.past = self._moment("past", at, passage.at(at.time_s)[0])
        passage.seen_s = crossing.subject.last_seen_s

    def _seen(self, subject: Subject, unseen_s: float, until_s: float) -> bool:
        """Whether the subject was followed over a gap of `unseen_s` ending at `until_s`: short, or a
        rider's ride through an occlusion that its motion bridged (see `subjects`)."""
        return unseen_s <= self.config.grace_s or subject.bridged_s == until_s

    def _moment(self, stage: Literal["straddling", "past"], at: Instant, point: Point) -> Moment:
        signal = self._clock.at(at.time_s)
        return Moment(
            stage=stage,
            frame=at.frame,
            time_s=round(at.time_s, 3),
            position=(round(point[0], 4), round(point[1], 4)),
            signal_state=str(signal.state),
            into_red_s=signal.into_red_s,
            signal_confidence=None if signal.confidence is None else round(signal.confidence, 2),
        )

    def _judge(self, now: float) -> list[AnalyticsEvent]:
        self._violations = [v for v in self._violations if now - v.time_s <= self.config.proceed_within_s]
        events = []
        for passage in self._passages.values():
            if passage.past is None or passage.settled:
                continue
            subject = passage.subject
            if not passage.proceeded:
                if now - passage.past.time_s > self.config.proceed_within_s:
                    passage.settled = True  # a creep: stopped at or just over the line
                    continue
                if subject.last_seen_s != now:
                    continue
                lost_s, passage.seen_s = now - passage.seen_s, now
                if not self._seen(subject, lost_s, now):
                    passage.settled = True  # lost on the way: what came back is no evidence
                    continue
                passage.proceeded = self._beyond(subject.anchor) >= self.config.proceed_distance
            if passage.proceeded and now >= passage.past.time_s + self._hold_s:
                passage.settled = True
                if self._clock.red_at(passage.past.time_s) and not any(
                    _same_vehicle(subject.box, v.subject.box) for v in self._violations
                ):
                    self._violations.append(_Violation(subject, now))
                    events.append(self._event(passage))
        return events

    def _event(self, passage: _Passage) -> AnalyticsEvent:
        assert passage.straddling is not None and passage.straddling_at is not None
        assert passage.past is not None
        at = passage.straddling_at
        return self._events.make(
            "red_light",
            "instant",
            passage.subject,
            at,
            at,
            direction=self.config.direction,
            signal_state=str(SignalState.RED),
            moments=[passage.straddling, passage.past],
            positions=[(round(x, 4), round(y, 4)) for _, (x, y), _ in passage.path],
        )


def _same_vehicle(a: Box, b: Box) -> bool:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height >= SAME_VEHICLE_OVERLAP * smaller
