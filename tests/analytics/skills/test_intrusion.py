from analytics.config.camera import Zone
from analytics.skills.engine import skill_on_camera
from analytics.skills.intrusion import IntrusionSkill
from tests.support.synthetic_tracks import Appearance, camera, frames, path, run_skill, still, without

INTRUSION = {"kind": "intrusion", "zone": "square", "min_presence_s": 0.4, "grace_s": 1}


def skill() -> IntrusionSkill:
    cam = camera(INTRUSION)
    return skill_on_camera(cam.skills[0], cam)


def test_entry_is_dated_at_the_first_frame_inside():
    events = run_skill(skill(), frames(path(1, (0.21, 0.5), (0.81, 0.5), 0, 6), until=8))

    assert len(events) == 1
    event = events[0]
    assert (event.kind, event.phase, event.zone, event.track_id) == ("intrusion", "instant", "square", 1)
    # x passes the zone's edge (0.4) between 1.8 s and 2.0 s (frame 11), confirmed 0.4 s later.
    assert event.time_s == 2.0 and event.frame == 11
    assert event.evidence.dwell_s >= 0.4


def test_a_single_bad_box_does_not_count():
    walker = path(1, (0.2, 0.3), (0.8, 0.3), 0, 6)
    glitch = [Appearance(3.0, 1, 0.5, 0.5)]  # one box whose foot lands inside
    walker = [a for a in walker if a.t != 3.0] + glitch
    assert run_skill(skill(), frames(walker, until=8)) == []


def test_each_visit_counts_but_a_step_out_shorter_than_grace_does_not():
    visit = still(1, (0.5, 0.5), 0, 2)
    step_out = still(1, (0.7, 0.5), 2.2, 2.6)  # 0.6 s outside: same visit
    back = still(1, (0.5, 0.5), 2.8, 4)
    gone = still(1, (0.7, 0.5), 4.2, 7)  # 3 s outside: the visit ends
    again = still(1, (0.5, 0.5), 7.2, 9)
    events = run_skill(skill(), frames(visit + step_out + back + gone + again, until=10))
    assert [e.time_s for e in events] == [0.0, 7.2]
    assert events[0].id != events[1].id


def test_fragment_reappearing_with_a_new_id_is_not_a_new_entry():
    person = still(1, (0.5, 0.5), 0, 3) + still(7, (0.5, 0.52), 3.6, 6)
    assert len(run_skill(skill(), frames(person, until=8))) == 1


def test_entry_along_the_image_border_counts_at_once():
    # A zone drawn down to the bottom of the image: a person coming into view there is in it,
    # although the anchor is 0.002 from the edge drawn along the border.
    cam = camera(INTRUSION)
    bottom = Zone(name="square", polygon=[(0.4, 0.6), (0.6, 0.6), (0.6, 1.0), (0.4, 1.0)])
    cam = cam.model_copy(update={"zones": [bottom]})
    intrusion = skill_on_camera(cam.skills[0], cam)
    assert [e.time_s for e in run_skill(intrusion, frames(still(1, (0.5, 0.998), 0, 2), until=3))] == [0.0]


def test_entry_is_dated_when_the_edge_is_crossed_not_when_confirmed_past_the_margin():
    # A slow walker (0.002 a frame) is clearly in (0.005 past x = 0.4) three frames after crossing.
    events = run_skill(skill(), frames(path(1, (0.39, 0.5), (0.45, 0.5), 0, 6), until=8))
    assert [e.time_s for e in events] == [1.0]


def test_a_subject_the_tracker_brings_back_continues_its_visit():
    # The same tracker id hidden for 2 s: longer than the grace period (1 s) but within the
    # tracker's return window (3 s). One intrusion, raised once (it was raised again, same id).
    person = without(still(1, (0.5, 0.5), 0, 6), 2.0, 4.0)
    events = run_skill(skill(), frames(person, until=10))
    assert [(e.time_s, e.frame) for e in events] == [(0.0, 1)]


def test_a_subject_back_after_the_return_window_is_a_new_visit_with_its_own_id():
    person = without(still(1, (0.5, 0.5), 0, 8), 2.0, 6.0)  # hidden 4 s: the subject is forgotten
    events = run_skill(skill(), frames(person, until=10))
    assert [e.time_s for e in events] == [0.0, 6.0]
    assert len({e.id for e in events}) == 2
