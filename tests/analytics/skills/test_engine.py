from datetime import UTC, datetime

import pytest

from analytics.config.camera import CameraConfig
from analytics.config.schedule import Schedule
from analytics.frame_tracks import SignalState
from analytics.skills.engine import SkillEngine
from tests.support.synthetic_tracks import camera, frames, path, run_engine, still

NIGHTS = Schedule.model_validate(
    {"timezone": "Europe/Paris", "windows": [{"start": "22:00", "end": "06:00"}]}
)
INTRUSION = {"kind": "intrusion", "zone": "square", "grace_s": 0.5}


def visits(count: int, every_s: float) -> list:
    """`count` people each standing 2 s in the square, one every `every_s` seconds, distinct ids."""
    return [a for k in range(count) for a in still(k + 1, (0.5, 0.5), k * every_s, k * every_s + 2)]


def test_schedule_window_crossing_midnight():
    cam = camera(INTRUSION | {"schedule": "nights"})
    people = visits(1, 0)

    def alerts_at(hour: int, minute: int) -> int:
        start = datetime(2024, 3, 1, hour, minute, tzinfo=UTC)  # Paris is UTC+1 in March
        return len(run_engine(SkillEngine(cam, {"nights": NIGHTS}), frames(people, until=5, start=start)))

    assert alerts_at(21, 30) == 1  # 22:30 Paris
    assert alerts_at(2, 0) == 1  # 03:00 Paris, the next day
    assert alerts_at(12, 0) == 0  # 13:00 Paris
    assert alerts_at(5, 0) == 0  # 06:00 Paris: the window is closed


def test_offline_frames_have_no_time_of_day_so_scheduled_skills_run():
    cam = camera(INTRUSION | {"schedule": "nights"})
    assert len(run_engine(SkillEngine(cam, {"nights": NIGHTS}), frames(visits(1, 0), until=5))) == 1


def test_cooldown_holds_back_alerts_then_rearms():
    cam = camera(INTRUSION | {"cooldown_s": 10})
    events = run_engine(SkillEngine(cam, {}), frames(visits(5, 4), until=25))
    # Entries at 0, 4, 8, 12, 16 s; each alert is raised 0.4 s after entry; 10 s of cool-down.
    assert [e.time_s for e in events] == [0.0, 12.0]


def test_cooldown_holds_back_the_end_of_a_held_back_start():
    cam = camera({"kind": "loitering", "zone": "square", "min_dwell_s": 1, "grace_s": 0.5, "cooldown_s": 60})
    events = run_engine(SkillEngine(cam, {}), frames(visits(2, 4), until=10))
    assert [(e.phase, e.track_id) for e in events] == [("start", 1), ("end", 1)]


def test_per_class_confidence_thresholds():
    cam = camera(
        INTRUSION
        | {"classes": ["person", "car"], "min_confidence": 0.5, "class_min_confidence": {"car": 0.8}}
    )
    objects = (
        still(1, (0.45, 0.5), 0, 2, score=0.6)
        + still(2, (0.55, 0.5), 0, 2, class_name="car", score=0.7)
        + still(3, (0.5, 0.45), 0, 2, class_name="car", score=0.9)
        + still(4, (0.5, 0.55), 0, 2, class_name="truck", score=0.99)
    )
    events = run_engine(SkillEngine(cam, {}), frames(objects, until=3))
    assert sorted(e.track_id for e in events) == [1, 3]
    assert {e.track_id: e.evidence.min_confidence for e in events} == {1: 0.5, 3: 0.8}


def test_external_signal_feeds_red_light_skill():
    cam = camera({"kind": "red_light", "line": "gate", "classes": ["car"], "signal": {"source": "external"}})
    engine = SkillEngine(cam, {})
    cars = path(1, (0.3, 0.5), (0.7, 0.5), 0, 4, class_name="car") + path(
        2, (0.3, 0.6), (0.7, 0.6), 6, 10, class_name="car"
    )
    events = []
    for frame in frames(cars, until=12):
        if frame.time_s == 5.0:  # the controller turns red between the two cars; before: unknown
            engine.set_external_signal("red_light:gate", SignalState.RED)
        events += engine.process(frame)
    assert [(e.kind, e.track_id, e.evidence.signal_state) for e in events] == [("red_light", 2, "red")]
    with pytest.raises(KeyError):
        engine.set_external_signal("no such skill", SignalState.RED)


def test_a_followed_person_scoring_low_behind_someone_stays_in_the_zone():
    # Confident at first, then half hidden (0.2) for 3 s, then confident again: one visit, not two.
    intrusion = {"kind": "intrusion", "zone": "square", "classes": ["person"]}
    confident = path(1, (0.5, 0.5), (0.5, 0.5), 0, 2) + path(1, (0.5, 0.5), (0.5, 0.5), 5.2, 7)
    hidden = path(1, (0.5, 0.5), (0.5, 0.5), 2.2, 5, score=0.2)
    events = run_engine(SkillEngine(camera(intrusion), {}), frames(confident + hidden, until=8))
    assert [(e.kind, e.time_s) for e in events] == [("intrusion", 0.0)]
    never_confident = path(2, (0.5, 0.5), (0.5, 0.5), 0, 3, score=0.2)
    assert run_engine(SkillEngine(camera(intrusion), {}), frames(never_confident, until=4)) == []


def _switched(cam: CameraConfig, table: str, **enabled: bool) -> CameraConfig:
    """`cam` with the named zones, lines or skills (by label) switched on or off, as a site file would."""
    data = cam.model_dump(mode="json")
    labels = [s.label for s in cam.skills] if table == "skills" else [item["name"] for item in data[table]]
    for label, item in zip(labels, data[table], strict=True):
        if label in enabled:
            item["enabled"] = enabled[label]
    return CameraConfig.model_validate(data)


def test_a_skill_switched_off_raises_nothing_and_its_neighbours_still_do():
    people = visits(3, 4)
    both = camera(INTRUSION, {"kind": "intrusion", "zone": "square", "name": "second watch", "grace_s": 0.5})
    assert len(run_engine(SkillEngine(both, {}), frames(people, until=14))) == 6
    off = _switched(both, "skills", **{"intrusion:square": False})
    events = run_engine(SkillEngine(off, {}), frames(people, until=14))
    assert len(events) == 3 and {e.skill for e in events} == {"second watch"}
    back_on = _switched(off, "skills", **{"intrusion:square": True})
    assert len(run_engine(SkillEngine(back_on, {}), frames(people, until=14))) == 6


def test_a_zone_or_line_switched_off_switches_off_every_skill_using_it():
    cam = camera(INTRUSION, {"kind": "counting", "line": "gate", "name": "gate counts"})
    assert [s.label for s in cam.running_skills()] == ["intrusion:square", "gate counts"]
    no_square = _switched(cam, "zones", square=False)
    assert [s.label for s in no_square.running_skills()] == ["gate counts"]
    assert run_engine(SkillEngine(no_square, {}), frames(visits(3, 4), until=14)) == []
    no_gate = _switched(cam, "lines", gate=False)
    assert [s.label for s in no_gate.running_skills()] == ["intrusion:square"]
    # Still in the file: switched on again, nothing was lost.
    assert [s.label for s in _switched(no_square, "zones", square=True).running_skills()] == [
        "intrusion:square",
        "gate counts",
    ]
