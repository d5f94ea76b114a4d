"""Parking: a vehicle stationary inside a zone longer than max_parking_s."""

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks, TrackedObject
from analytics.geometry.coordinates import Point, Polygon
from analytics.geometry.plane import anchor_point, box_size, distance, point_in_polygon
from analytics.skills.base import ClassName, Skill, ZoneSkillConfig
from analytics.skills.event_factory import EventFactory
from analytics.skills.subjects import Subject
from analytics.skills.visits import Instant


class ParkingConfig(ZoneSkillConfig):
    kind: Literal["parking"] = "parking"
    raised_phases = ("start", "end")
    classes: list[ClassName] = Field(
        default_factory=lambda: list[ClassName](["car", "truck", "bus", "motorcycle"]),
        min_length=1,
        description="Vehicle classes.",
    )
    max_parking_s: float = Field(300.0, gt=0, description="Seconds a vehicle may stay stationary.")
    class_max_parking_s: dict[ClassName, float] = Field(
        default_factory=dict, description="Per-class limits overriding max_parking_s."
    )
    movement_tolerance: float = Field(
        0.3,
        gt=0,
        description="Movement, as a fraction of the vehicle's box size, still counted as stationary.",
    )
    grace_s: float = Field(
        10.0, ge=0, description="Missed detections this long neither end nor restart a stay."
    )


@dataclass(slots=True)
class _Stay:
    """A vehicle at rest at one place: the place, not the tracker id, is what the stay is about."""

    subject: Subject
    rest: Point
    tolerance: float
    first: Instant
    last: Instant
    alerted: bool = False

    @property
    def duration_s(self) -> float:
        return self.last.time_s - self.first.time_s

    def holds(self, anchor: Point) -> bool:
        return distance(anchor, self.rest) <= self.tolerance


class ParkingSkill(Skill):
    """`start` when a vehicle has been at rest in the zone for its class's limit, `end` when it left.

    A stay is a place where a vehicle rests: it is refreshed by its own tracker ids and, after a
    missed detection or a relit car coming back under a new id, by a new id that appears at rest on
    the same spot. A tracker id that moves off the spot (a passing car that stole the parked car's
    id) leaves the stay alive until the grace period runs out without the vehicle. A stay ends once
    no vehicle has rested on it for `grace_s`; its `end` is dated at the last frame it was seen.
    """

    def __init__(self, config: ParkingConfig, camera_id: str, zone: Polygon) -> None:
        self.config = config
        self._polygon = zone
        self._events = EventFactory(camera_id, config, zone=config.zone)
        self._stays: list[_Stay] = []
        # Keyed by tracker id, which the tracker never reuses: kept while the id is seen, so that a
        # stay of days with an id switch every minute does not keep them all.
        self._stay_of_track: dict[int, _Stay] = {}
        self._first_anchor: dict[int, Point] = {}
        self._last_seen_s: dict[int, float] = {}

    def limit_s(self, class_name: str) -> float:
        return self.config.class_max_parking_s.get(class_name, self.config.max_parking_s)  # type: ignore[call-overload]

    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        now = Instant.of(frame)
        refreshed: list[_Stay] = []
        for obj in frame.objects:
            anchor = anchor_point(obj.box, self.config.anchor)
            if point_in_polygon(anchor, self._polygon):
                stay = self._stay_for(obj, anchor, now)
                stay.subject.see(obj, anchor, now.time_s)
                stay.last = now
                self._stay_of_track[obj.track_id] = stay
                self._last_seen_s[obj.track_id] = now.time_s
                refreshed.append(stay)
        events = self._end_stays_older_than(now.time_s - self.config.grace_s)
        self._forget_tracks_unseen_since(now.time_s - self.config.grace_s)
        for stay in refreshed:
            if not stay.alerted and stay.duration_s >= self.limit_s(stay.subject.class_name):
                stay.alerted = True
                events.append(self._event("start", stay, now))
        return events

    def _stay_for(self, obj: TrackedObject, anchor: Point, now: Instant) -> _Stay:
        own = self._stay_of_track.get(obj.track_id)
        if own is not None and own.holds(anchor):
            return own
        if own is not None:
            self._leave(own, obj.track_id, now)
        first = self._first_anchor.setdefault(obj.track_id, anchor)
        tolerance = self.config.movement_tolerance * box_size(obj.box)
        # Only a track that has not travelled may take over a stay: a car driving past the spot
        # of a parked car that was missed for a moment must not keep that stay alive.
        if distance(first, anchor) <= tolerance:
            for stay in self._stays:
                if stay.last.time_s < now.time_s and stay.holds(anchor):
                    return stay
        subject = Subject(obj.track_id, obj.class_name, obj.box, anchor, now.time_s)
        stay = _Stay(subject, anchor, tolerance, now, now)
        self._stays.append(stay)
        return stay

    def _leave(self, stay: _Stay, track_id: int, now: Instant) -> None:
        """The track moved off its stay; a stay that only this track made, briefly, was traffic."""
        del self._stay_of_track[track_id]
        if stay.subject.track_ids == [track_id] and now.time_s - stay.first.time_s < self.config.grace_s:
            self._stays.remove(stay)

    def _end_stays_older_than(self, limit_s: float) -> list[AnalyticsEvent]:
        ended = [s for s in self._stays if s.last.time_s < limit_s]
        events = [self._event("end", s, s.last) for s in ended if s.alerted]
        for stay in ended:
            self._stays.remove(stay)
        return events

    def _forget_tracks_unseen_since(self, limit_s: float) -> None:
        """Drop the tracker ids not seen in the zone since `limit_s`: their stays have ended (a stay
        lasts while one of its ids is seen) or are held by a newer id."""
        for track_id in [t for t, seen_s in self._last_seen_s.items() if seen_s < limit_s]:
            del self._last_seen_s[track_id]
            self._stay_of_track.pop(track_id, None)
            self._first_anchor.pop(track_id, None)

    def _event(self, phase: Literal["start", "end"], stay: _Stay, at: Instant) -> AnalyticsEvent:
        class_name = stay.subject.class_name
        return self._events.make(
            "parking",
            phase,
            stay.subject,
            stay.first,
            at,
            dwell_s=round(stay.duration_s, 2),
            threshold_s=self.limit_s(class_name),
        )
