from dataclasses import replace

from analytics.skills.engine import skill_on_camera
from analytics.skills.parking import ParkingSkill
from tests.support.synthetic_tracks import camera, frames, path, run_skill, still, without

PARKING = {"kind": "parking", "zone": "square", "max_parking_s": 10, "grace_s": 4}
CAR = {"class_name": "car", "w": 0.08, "h": 0.05}


def skill(**overrides: object) -> ParkingSkill:
    cam = camera(PARKING | overrides)
    return skill_on_camera(cam.skills[0], cam)


def phases(events):
    return [(e.phase, e.time_s, e.track_id) for e in events]


def test_parked_car_reported_once_and_ended_when_it_leaves():
    parked = still(1, (0.5, 0.5), 0, 20, **CAR) + path(1, (0.5, 0.5), (0.9, 0.5), 20.2, 23, **CAR)
    events = run_skill(skill(), frames(parked, until=30))
    # The last frame at rest is the first of the drive away (20.2 s), still on the spot.
    assert phases(events) == [("start", 10.0, 1), ("end", 20.2, 1)]
    assert events[0].kind == "parking" and events[0].evidence.threshold_s == 10


def test_parked_car_missed_for_a_few_frames_and_back_under_a_new_id_is_one_stay():
    parked = without(still(1, (0.5, 0.5), 0, 6, **CAR), 3, 4.4) + still(9, (0.502, 0.5), 7, 20, **CAR)
    events = run_skill(skill(), frames(parked, until=30))
    assert phases(events) == [("start", 10.0, 1), ("end", 20.0, 1)]
    assert events[0].evidence.track_ids == [1, 9]


def test_jitter_below_tolerance_is_still_at_rest():
    # Every other box 0.01 to the right: well within 0.3 of the car's diagonal (about 0.094).
    jitter = [replace(a, x=a.x + 0.01 * (k % 2)) for k, a in enumerate(still(1, (0.5, 0.5), 0, 15, **CAR))]
    assert phases(run_skill(skill(), frames(jitter, until=25)))[0] == ("start", 10.0, 1)


def test_slow_traffic_through_the_zone_is_not_parking():
    crawl = path(1, (0.41, 0.5), (0.59, 0.5), 0, 30, **CAR)
    assert run_skill(skill(), frames(crawl, until=35)) == []


def test_passing_car_that_steals_the_parked_cars_id_does_not_restart_or_end_the_stay():
    parked_first = still(1, (0.5, 0.5), 0, 5, **CAR)
    # At 5 s the tracker swaps ids: the passing car gets id 1, the parked car a new id 2.
    passing = path(3, (0.41, 0.55), (0.5, 0.55), 3, 5, **CAR) + path(
        1, (0.5, 0.55), (0.59, 0.55), 5.2, 7, **CAR
    )
    parked_after = still(2, (0.5, 0.5), 5.2, 15, **CAR)
    events = run_skill(skill(), frames(parked_first + passing + parked_after, until=25))
    assert phases(events) == [("start", 10.0, 1), ("end", 15.0, 1)]


def test_per_class_limit():
    objects = still(1, (0.45, 0.5), 0, 12, **CAR) + still(
        2, (0.55, 0.5), 0, 12, **(CAR | {"class_name": "truck"})
    )
    starts = [e for e in run_skill(skill(class_max_parking_s={"truck": 5}), frames(objects, until=12))]
    assert [(e.class_name, e.time_s) for e in starts] == [("truck", 5.0), ("car", 10.0)]
