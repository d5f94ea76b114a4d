from analytics.skills.engine import SkillEngine
from tests.support.synthetic_tracks import camera, frames, path, run_engine, still, without

LANE = {"kind": "lane_misuse", "zone": "square", "classes": ["motorcycle"], "min_presence_s": 1.0}


def test_forbidden_class_alerts_after_min_presence_and_ends_when_it_leaves():
    # Enters at 2.0 s (y passes 0.4), alerts 1 s later; last inside at 5.0 s.
    moto = path(1, (0.45, 0.305), (0.45, 0.555), 0, 5, class_name="motorcycle")
    events = run_engine(SkillEngine(camera(LANE), {}), frames(moto, until=10))
    assert [(e.kind, e.phase, e.time_s) for e in events] == [
        ("lane_misuse", "start", 3.0),
        ("lane_misuse", "end", 5.0),
    ]


def test_allowed_classes_and_brief_presences_do_not_alert():
    cyclist = still(1, (0.5, 0.5), 0, 5, class_name="bicycle")
    brief = path(2, (0.39, 0.5), (0.61, 0.5), 0, 0.8, class_name="motorcycle")
    assert run_engine(SkillEngine(camera(LANE), {}), frames(cyclist + brief, until=8)) == []


def test_a_vehicle_the_tracker_brings_back_is_one_occurrence():
    # Hidden 2 s (grace 1 s, tracker return window 3 s): one start and one end, each raised once
    # (the return raised the start and the end a second time under the same ids).
    moto = without(still(1, (0.5, 0.5), 0, 7, class_name="motorcycle"), 2.0, 4.0)
    events = run_engine(SkillEngine(camera(LANE), {}), frames(moto, until=12))
    assert [(e.phase, e.time_s) for e in events] == [("start", 1.0), ("end", 7.0)]
    assert events[1].evidence.dwell_s == 7.0
