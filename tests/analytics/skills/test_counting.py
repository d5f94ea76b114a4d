from datetime import UTC, datetime

from analytics.skills.counting import CountingSkill
from analytics.skills.engine import SkillEngine, skill_on_camera
from tests.support.synthetic_tracks import Appearance, camera, frames, path, run_engine, run_skill, still

COUNTING = {"kind": "counting", "line": "gate", "classes": ["person", "car"], "hysteresis": 0.02}


def skill() -> CountingSkill:
    cam = camera(COUNTING)
    return skill_on_camera(cam.skills[0], cam)


def crossings(appearances, until=20.0):
    return [
        (e.evidence.direction, e.time_s, e.track_id) for e in run_skill(skill(), frames(appearances, until))
    ]


def test_direction_follows_the_lines_points():
    # Line A=(0.5,0.2) -> B=(0.5,0.8) points down: cross(B-A, P-A) > 0 on the left (x < 0.5).
    left_to_right = path(1, (0.3, 0.5), (0.7, 0.5), 0, 4)
    right_to_left = path(2, (0.7, 0.6), (0.3, 0.6), 0, 4)
    events = run_skill(skill(), frames(left_to_right + right_to_left, until=6))
    assert sorted((e.track_id, e.evidence.direction, e.kind, e.phase) for e in events) == [
        (1, "A->B", "line_cross", "instant"),
        (2, "B->A", "line_cross", "instant"),
    ]


def test_crossing_dated_when_the_anchor_passes_the_line():
    # x = 0.31 + 0.1 t passes 0.5 between 1.8 s and 2.0 s; it is 0.02 beyond at 2.2 s.
    assert crossings(path(1, (0.31, 0.5), (0.71, 0.5), 0, 4)) == [("A->B", 2.0, 1)]


def test_flicker_on_the_line_is_not_a_crossing():
    flicker = [Appearance(k / 5, 1, 0.5 + (0.005 if k % 2 else -0.005), 0.5) for k in range(50)]
    assert crossings(path(1, (0.3, 0.5), (0.495, 0.5), 0, 2) + flicker[11:]) == []


def test_stop_and_go_at_the_line_counts_once():
    approach = path(1, (0.3, 0.5), (0.49, 0.5), 0, 2)
    creep = [Appearance(2 + k / 5, 1, 0.49 + 0.004 * (k % 6), 0.5) for k in range(1, 30)]
    leave = path(1, (0.51, 0.5), (0.7, 0.5), 8, 10)
    # Counted once, dated at the last time it passed the line (7.4 s) before getting clear of it.
    assert crossings(approach + creep + leave) == [("A->B", 7.4, 1)]


def test_id_switch_at_the_line_counts_once():
    car = path(1, (0.3, 0.5), (0.49, 0.5), 0, 2) + path(2, (0.51, 0.5), (0.7, 0.5), 2.4, 4)
    assert crossings(car) == [("A->B", 2.4, 1)]


def test_passing_beyond_the_ends_of_the_segment_is_not_counted():
    assert crossings(path(1, (0.3, 0.9), (0.7, 0.9), 0, 4)) == []


def test_standing_on_one_side_is_not_counted():
    assert crossings(still(1, (0.45, 0.5), 0, 5)) == []


def test_counts_per_interval_class_and_direction_as_csv():
    cam = camera(COUNTING | {"interval_s": 60})
    people = [path(k, (0.3, 0.5), (0.7, 0.5), 20 * k, 20 * k + 4) for k in range(1, 5)]
    car = path(9, (0.7, 0.4), (0.3, 0.4), 10, 14, class_name="car")
    engine = SkillEngine(cam, {})
    run_engine(engine, frames([a for p in people for a in p] + car, until=90))
    assert engine.counts_csv().splitlines() == [
        "interval_start,interval_end,line,class,direction,count",
        "0,60,gate,car,B->A,1",
        "0,60,gate,person,A->B,2",
        "60,120,gate,person,A->B,2",
    ]


def test_live_counts_are_aligned_on_utc_intervals():
    cam = camera(COUNTING)
    engine = SkillEngine(cam, {})
    run_engine(
        engine,
        frames(
            path(1, (0.3, 0.5), (0.7, 0.5), 0, 4), until=5, start=datetime(2024, 3, 1, 8, 14, 58, tzinfo=UTC)
        ),
    )
    assert (
        engine.counts_csv().splitlines()[1]
        == "2024-03-01T08:15:00+00:00,2024-03-01T08:30:00+00:00,gate,person,A->B,1"
    )


def test_no_counting_skill_no_csv():
    engine = SkillEngine(camera({"kind": "intrusion", "zone": "square"}), {})
    assert engine.counts_csv() == ""


def test_a_crossing_made_while_hidden_counts_when_the_tracker_brings_the_id_back():
    # Hidden 2 s (longer than grace_s 1 s) while crossing; the tracker re-identifies id 1 after it.
    walker = path(1, (0.3, 0.5), (0.7, 0.5), 0, 4)
    hidden = [a for a in walker if not 1.6 <= a.t < 3.6]
    assert crossings(hidden) == [("A->B", 3.6, 1)]


def test_a_new_id_far_from_the_hidden_one_after_the_grace_period_is_someone_else():
    # Id 1 disappears before the line; 2 s later id 2 appears past it: no crossing is invented.
    first = path(1, (0.3, 0.5), (0.48, 0.5), 0, 1.8)
    second = path(2, (0.6, 0.5), (0.7, 0.5), 3.8, 5)
    assert crossings(first + second) == []


def test_a_slanted_step_across_the_end_of_the_segment_counts_where_it_met_the_line():
    # The step from (0.45, 0.79) to (0.55, 0.83) meets x = 0.5 at y 0.81: beyond B (y 0.8).
    beyond = [Appearance(0.0, 1, 0.35, 0.73), Appearance(0.2, 1, 0.45, 0.79), Appearance(0.4, 1, 0.55, 0.83)]
    beyond += [Appearance(0.6, 1, 0.65, 0.87)]
    assert crossings(beyond) == []
    # The same step a little higher meets the line at y 0.79: within the segment.
    within = [Appearance(a.t, 1, a.x, a.y - 0.02) for a in beyond]
    assert crossings(within) == [("A->B", 0.4, 1)]
