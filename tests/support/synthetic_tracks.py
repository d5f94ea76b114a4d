"""Synthetic tracks for skill tests: objects moving along scripted paths, frame by frame."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from analytics.config.camera import CameraConfig
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks, SignalState, TrackedObject
from analytics.skills.base import Skill
from analytics.skills.engine import SkillEngine

CAMERA_ID = "00000001-0000-babe-0000-00408ca1eb95"
SQUARE = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]]
VERTICAL_LINE = [[0.5, 0.2], [0.5, 0.8]]


def camera(skill: Mapping[str, object], *more: Mapping[str, object]) -> CameraConfig:
    """A camera with zone 'square' (0.4–0.6 both ways), line 'gate' (x = 0.5, y 0.2–0.8) and skills."""
    return CameraConfig.model_validate(
        {
            "id": CAMERA_ID,
            "zones": [{"name": "square", "polygon": SQUARE}],
            "lines": [{"name": "gate", "points": VERTICAL_LINE}],
            "skills": [skill, *more],
        }
    )


@dataclass(frozen=True)
class Appearance:
    """One object seen at time `t`: its anchor (bottom-centre) at (x, y), with a box of size w × h."""

    t: float
    track_id: int
    x: float
    y: float
    class_name: str = "person"
    w: float = 0.04
    h: float = 0.1
    score: float = 0.9

    def tracked(self) -> TrackedObject:
        box = (self.x - self.w / 2, self.y - self.h, self.x + self.w / 2, self.y)
        return TrackedObject(self.track_id, self.class_name, box, self.score)


def path(
    track_id: int,
    start: tuple[float, float],
    end: tuple[float, float],
    t0: float,
    t1: float,
    fps: float = 5.0,
    **attributes: object,
) -> list[Appearance]:
    """An object moving in a straight line from `start` at t0 to `end` at t1, one appearance a frame."""
    steps = max(1, round((t1 - t0) * fps))
    return [
        Appearance(
            t0 + k / fps,
            track_id,
            start[0] + (end[0] - start[0]) * k / steps,
            start[1] + (end[1] - start[1]) * k / steps,
            **attributes,  # type: ignore[arg-type]
        )
        for k in range(steps + 1)
    ]


def still(
    track_id: int, at: tuple[float, float], t0: float, t1: float, fps: float = 5.0, **attributes: object
) -> list[Appearance]:
    return path(track_id, at, at, t0, t1, fps, **attributes)


def without(appearances: list[Appearance], t0: float, t1: float) -> list[Appearance]:
    """The appearances minus those in [t0, t1): a missed detection or an occlusion."""
    return [a for a in appearances if not t0 <= a.t < t1]


def frames(
    appearances: Iterable[Appearance],
    until: float,
    fps: float = 5.0,
    start: datetime | None = None,
    signals: Mapping[float, SignalState] | None = None,
) -> list[FrameTracks]:
    """Frames at `fps` from 0 to `until` s; `start` gives live UTC timestamps; `signals` maps a time to
    the signal state of skill 'red_light:gate' from that time on."""
    by_frame: dict[int, list[TrackedObject]] = {}
    for a in appearances:
        by_frame.setdefault(round(a.t * fps), []).append(a.tracked())
    changes = sorted((signals or {}).items())
    result = []
    for index in range(round(until * fps) + 1):
        t = index / fps
        state = next((s for at, s in reversed(changes) if at <= t), None)
        result.append(
            FrameTracks(
                CAMERA_ID,
                index + 1,
                t,
                tuple(by_frame.get(index, ())),
                timestamp=start + timedelta(seconds=t) if start else None,
                signals={"red_light:gate": state} if state else {},
            )
        )
    return result


def run_skill(skill: Skill, frame_list: Iterable[FrameTracks]) -> list[AnalyticsEvent]:
    return [event for frame in frame_list for event in skill.update(frame)]


def run_engine(engine: SkillEngine, frame_list: Iterable[FrameTracks]) -> list[AnalyticsEvent]:
    return [event for frame in frame_list for event in engine.process(frame)]


def endless_street(hours: float, fps: float, start: datetime) -> Iterator[FrameTracks]:
    """A live scene of `hours`, frame by frame at `fps`, every minute alike: a car crosses line 'gate'
    left to right under a new tracker id, a person walks through zone 'square' under a new id, and a
    car parked in 'square' since the start is missed for two seconds and comes back under a new id
    (a relit car). Thousands of tracker ids go by; nothing in the scene accumulates."""
    for index in range(round(hours * 3600 * fps)):
        t = index / fps
        minute, second = divmod(t, 60.0)
        appearances = []
        if second < 20:
            appearances.append(Appearance(t, 1_000_000 + int(minute), 0.2 + 0.6 * second / 20, 0.3, "car"))
        if 20 <= second < 50:
            appearances.append(Appearance(t, 2_000_000 + int(minute), 0.3 + 0.4 * (second - 20) / 30, 0.5))
        if second >= 2:
            appearances.append(Appearance(t, 3_000_000 + int(minute), 0.45, 0.58, "car", w=0.06, h=0.05))
        yield FrameTracks(
            CAMERA_ID,
            index + 1,
            t,
            tuple(a.tracked() for a in appearances),
            timestamp=start + timedelta(seconds=t),
        )
