"""The red-light state machine on synthetic tracks seen by an enforcement camera: the stop line 'gate'
runs across the image at y = 0.6 (A on the left), traffic moving away from the camera goes up the
image (A->B), and the junction begins 0.08 beyond the line. Cars are 0.2 high: their front wheels
touch the road 0.35 of that up from the box's bottom (the default `front_share`), 0.07 ahead of it."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from analytics.config.camera import CameraConfig
from analytics.frame_tracks import FrameTracks, SignalState
from analytics.skills.engine import SkillEngine
from tests.support.synthetic_tracks import CAMERA_ID, frames, path, run_engine, still, without

RULE = {
    "kind": "red_light",
    "line": "gate",
    "classes": ["car", "motorcycle", "person"],
    "direction": "A->B",
    "signal": {
        "source": "video",
        "region": [[0.85, 0.05], [0.95, 0.05], [0.95, 0.35], [0.85, 0.35]],
        "hold_s": 0.4,
    },
}
CAR = {"class_name": "car", "w": 0.12, "h": 0.2}
START = datetime(2026, 5, 4, 17, 30, tzinfo=UTC)


def enforcement_camera() -> CameraConfig:
    return CameraConfig.model_validate(
        {"id": CAMERA_ID, "lines": [{"name": "gate", "points": [[0.1, 0.6], [0.9, 0.6]]}], "skills": [RULE]}
    )


def run(
    appearances, until: float, signals: dict[float, SignalState], confidence: float | None = None
) -> list:
    frame_list = frames(appearances, until=until, signals=signals, start=START)
    if confidence is not None:
        frame_list = [replace(f, signal_confidence={"red_light:gate": confidence}) for f in frame_list]
    return run_engine(SkillEngine(enforcement_camera(), {}), frame_list)


def moments(event) -> list[tuple[str, float, str, float | None]]:
    return [(m.stage, m.time_s, m.signal_state, m.into_red_s) for m in event.evidence.moments]


def test_a_car_seen_from_behind_is_dated_when_its_front_crosses_not_its_rear() -> None:
    # The box's bottom (its rear) goes from 0.905 up to 0.305 in 6 s: the front (0.07 ahead) is over
    # the line at 2.4 s, the rear at 3.2 s; the rear is 0.08 beyond at 4.0 s.
    car = path(1, (0.5, 0.905), (0.5, 0.305), 0, 6, **CAR)
    events = run(car, 7, {0: SignalState.RED})
    assert [(e.kind, e.track_id, e.time_s) for e in events] == [("red_light", 1, 2.4)]
    assert [(m.stage, m.time_s) for m in events[0].evidence.moments] == [("straddling", 2.4), ("past", 3.2)]
    straddling, past = events[0].evidence.moments
    assert (straddling.position, past.position) == ((0.5, 0.595), (0.5, 0.585))  # the front, then the rear
    assert events[0].timestamp == datetime(2026, 5, 4, 17, 30, 2, 400000, tzinfo=UTC)


def test_a_car_first_seen_straddling_that_goes_on_red_is_one_run_dated_when_first_seen() -> None:
    # Waiting with its front over the line (rear at 0.64, front at 0.57) when the track begins, then off.
    car = still(1, (0.5, 0.64), 0, 2, **CAR) + path(1, (0.5, 0.64), (0.5, 0.3), 2.2, 5, **CAR)
    events = run(car, 7, {0: SignalState.RED})
    assert [(e.track_id, e.time_s) for e in events] == [(1, 0.0)]
    assert [stage for stage, *_ in moments(events[0])] == ["straddling", "past"]


def test_creeps_that_stop_at_or_over_the_line_are_never_counted() -> None:
    stops_straddling = path(1, (0.3, 0.9), (0.3, 0.62), 0, 3, **CAR) + still(1, (0.3, 0.62), 3.2, 20, **CAR)
    stops_just_past = path(2, (0.7, 0.9), (0.7, 0.58), 0, 3, **CAR) + still(2, (0.7, 0.58), 3.2, 20, **CAR)
    assert run(stops_straddling + stops_just_past, 20, {0: SignalState.RED}) == []


def test_a_run_that_stops_beyond_the_crosswalk_and_goes_on_later_is_counted_once() -> None:
    # Rides over the line and the crosswalk, waits 6 s at the junction's edge, goes on: still red.
    rider = {"class_name": "motorcycle", "w": 0.04, "h": 0.1}
    run_then_wait = (
        path(1, (0.4, 0.8), (0.4, 0.5), 0, 2, **rider)
        + still(1, (0.4, 0.5), 2.2, 8, **rider)
        + path(1, (0.4, 0.5), (0.6, 0.2), 8.2, 10, **rider)
    )
    events = run(run_then_wait, 12, {0: SignalState.RED})
    assert [(e.track_id, e.kind) for e in events] == [(1, "red_light")]


@pytest.mark.parametrize(("green_at", "alerts"), [(4.0, 1), (3.4, 0)])
def test_a_rear_passing_within_the_hold_before_green_is_not_taken_as_red(
    green_at: float, alerts: int
) -> None:
    # The rear passes the line at 3.2 s. Green is reported 0.4 s (the hold) after the lamp turned
    # green: reported at 3.4 s, the lamp was green from 3.0 s, before the rear passed.
    car = path(1, (0.5, 0.905), (0.5, 0.305), 0, 6, **CAR)
    events = run(car, 7, {0: SignalState.RED, green_at: SignalState.GREEN})
    assert len(events) == alerts


def test_each_moment_carries_the_signal_state_its_age_and_the_read_confidence() -> None:
    # Red reported from 1.0 s: with the reader's 0.4 s hold the lamp turned red at 0.6 s.
    car = path(1, (0.5, 0.905), (0.5, 0.305), 0, 6, **CAR)
    events = run(car, 7, {0: SignalState.UNKNOWN, 1.0: SignalState.RED}, confidence=0.9)
    (event,) = events
    assert moments(event) == [("straddling", 2.4, "red", 1.8), ("past", 3.2, "red", 2.6)]
    assert {m.signal_confidence for m in event.evidence.moments} == {0.9}
    # The path from the first sighting: from below the line to beyond the crosswalk.
    assert event.evidence.positions[0] == (0.5, 0.905)
    assert len(event.evidence.positions) > 5 and event.evidence.positions[-1][1] < 0.6 - 0.08


def test_a_car_that_straddled_during_amber_and_passed_on_red_is_a_run() -> None:
    car = path(1, (0.5, 0.905), (0.5, 0.305), 0, 6, **CAR)
    (event,) = run(car, 7, {0: SignalState.UNKNOWN, 3.0: SignalState.RED})
    assert moments(event) == [("straddling", 2.4, "unknown", None), ("past", 3.2, "red", 0.6)]


def test_a_frame_without_signal_confidence_leaves_it_out() -> None:
    car = path(1, (0.5, 0.905), (0.5, 0.305), 0, 6, **CAR)
    (event,) = run(car, 7, {0: SignalState.RED})
    assert {m.signal_confidence for m in event.evidence.moments} == {None}
    assert isinstance(FrameTracks(CAMERA_ID, 1, 0.0, ()).signal_confidence, dict)


# Riders filtering between the queued cars: two cars wait with their fronts over the line, a rider
# (0.1 high, its front 0.03 ahead of its rear) rides up the gap between them at 0.1 a second.
RIDER = {"class_name": "motorcycle", "w": 0.04, "h": 0.1}
QUEUE = still(10, (0.33, 0.66), 0, 20, **CAR) + still(11, (0.57, 0.66), 0, 20, **CAR)


def filtering(track_id: int, until: float) -> list:
    """Up the gap from y 0.95 at 0 s, at 0.1 a second: the rear over the line at 3.5 s."""
    return path(track_id, (0.45, 0.95), (0.45, 0.95 - 0.1 * until), 0, until, **RIDER)


@pytest.mark.parametrize("back_as", [2, 1], ids=["new id", "its own id"])
def test_a_rider_hidden_for_a_second_while_filtering_over_the_line_is_one_run(back_as: int) -> None:
    # Hidden behind the cars from 3.0 s to 4.0 s, over the line meanwhile; back under a new id, or
    # under its own that the tracker brought back.
    rider = without(filtering(1, 3.8), 3.0, 4.0) + path(back_as, (0.45, 0.55), (0.45, 0.15), 4.0, 8, **RIDER)
    events = run(QUEUE + rider, 10, {0: SignalState.RED})
    # Dated when first seen over the line, both moments there: the crossing itself was not seen.
    assert [(e.track_id, e.time_s) for e in events] == [(1, 4.0)]
    assert [(m.stage, m.time_s) for m in events[0].evidence.moments] == [("straddling", 4.0), ("past", 4.0)]
    assert events[0].evidence.positions[0] == (0.45, 0.95)


def test_a_hidden_rider_that_waits_beyond_the_crosswalk_and_goes_on_later_is_one_run() -> None:
    # Over the line while hidden, waits 6 s at the junction's edge, goes on under a third id after
    # being missed again for 0.6 s.
    rider = (
        without(filtering(1, 3.8), 3.0, 4.0)
        + path(2, (0.45, 0.55), (0.45, 0.45), 4.0, 5.0, **RIDER)
        + still(2, (0.45, 0.45), 5.2, 11, **RIDER)
        + path(3, (0.47, 0.43), (0.7, 0.2), 11.6, 14, **RIDER)
    )
    events = run(QUEUE + rider, 16, {0: SignalState.RED})
    assert [(e.track_id, e.time_s) for e in events] == [(1, 4.0)]


def test_hidden_riders_that_stop_on_or_just_over_the_line_are_never_counted() -> None:
    # Each slows down while hidden (2.8 to 4.0 s) and waits: one straddling, one with its rear just
    # over; the second goes on 10 s later.
    on_the_line = filtering(1, 2.8) + still(2, (0.45, 0.62), 4.0, 20, **RIDER)
    just_over = [replace(a, track_id=3, x=0.25) for a in filtering(1, 2.8)]
    just_over += still(4, (0.25, 0.585), 4.0, 14, **RIDER)
    just_over += path(4, (0.25, 0.585), (0.25, 0.2), 14.2, 18, **RIDER)
    assert run(QUEUE + on_the_line + just_over, 20, {0: SignalState.RED}) == []


def test_two_riders_whose_paths_cross_while_hidden_keep_their_own_identities() -> None:
    # Both hidden from 2.0 s to 3.0 s and at the same place (0.5, 0.64) at 2.5 s: rider 1 rides up
    # to the left over the line and on, rider 2 along the line's near side to a gap, where it
    # stops. Back under new ids, each is where its own motion takes it but nearer where the other
    # was last seen: matched by nearness, the runner's subject takes the rider who waits, and the
    # run is lost or put on the wrong rider.
    runner = without(path(1, (0.7, 0.94), (0.22, 0.22), 0, 6, **RIDER), 2.0, 3.0)
    runner = [a if a.t < 2.0 else replace(a, track_id=3) for a in runner]
    waiter = without(path(2, (0.3, 0.64), (0.54, 0.64), 0, 3, **RIDER), 2.0, 3.0)
    waiter += still(4, (0.54, 0.64), 3.0, 10, **RIDER)
    events = run(runner + waiter, 10, {0: SignalState.RED})
    assert [(e.track_id, e.time_s) for e in events] == [(1, 3.0)]
    assert events[0].evidence.positions[-1][0] < 0.5  # its path goes on up to the left
