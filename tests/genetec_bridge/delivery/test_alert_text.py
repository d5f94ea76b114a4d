"""Messages are short, stable and human; actions follow the skill's routing."""

from datetime import UTC, datetime

import pytest

from analytics.events import AnalyticsEvent, Evidence, Moment
from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.alert_text import SHADOW_PREFIX, message_for, plan_actions
from tests.support.analytics_events import loitering

CAM = "00000001-0000-babe-0000-00408ca1eb95"


def event(kind, **fields):
    base = {
        "id": "e",
        "kind": kind,
        "skill": "s",
        "phase": "instant",
        "camera": CAM,
        "class": "car",
        "track_id": 1,
        "frame": 1,
        "time_s": 0.0,
    }
    return AnalyticsEvent.model_validate(base | fields)


@pytest.mark.parametrize(
    ("the_event", "message"),
    [
        (loitering(1, CAM), "Loitering 23 s, zone Parvis"),
        (loitering(1, CAM, "end"), "Loitering ended 23 s, zone Parvis"),
        (event("intrusion", zone="X", **{"class": "person"}), "Intrusion person, zone X"),
        (event("line_cross", line="L", evidence=Evidence(direction="A->B")), "Line cross car A->B, line L"),
        (event("parking", zone="Quai", evidence=Evidence(dwell_s=312.2)), "Parking car 312 s, zone Quai"),
        (event("red_light", line="Stop"), "Red light car, line Stop"),
        (event("lane_misuse", zone="Bike", **{"class": "motorcycle"}), "Lane misuse motorcycle, zone Bike"),
    ],
)
def test_messages(the_event, message):
    assert message_for(the_event) == message


def test_actions_follow_routing_and_phase_filter():
    routing = AlertRouting(
        custom_event_id=5001, alarm="00000002-0000-babe-0000-000000000001", bookmark=True, mode="live"
    )
    actions = plan_actions(loitering(3, CAM), routing)
    assert [a["action"] for a in actions] == ["custom_event", "alarm", "bookmark"]
    assert actions[0] == {
        "action": "custom_event",
        "custom_event_id": 5001,
        "custom_event_name": "loitering:Parvis",
        "message": "Loitering 23 s, zone Parvis",
    }
    assert actions[2]["time"] == "2024-05-01T12:00:03.000Z"
    assert plan_actions(loitering(3, CAM, "end"), routing) == []
    live = AlertRouting(custom_event_id=1, mode="live")
    assert [a["action"] for a in plan_actions(loitering(3, CAM), live)] == ["custom_event"]


def test_shadow_skills_send_at_most_a_marked_bookmark():
    routing = AlertRouting(custom_event_id=5001, alarm="00000002-0000-babe-0000-000000000001", bookmark=True)
    assert routing.mode == "shadow"  # the default for a newly configured skill
    assert plan_actions(loitering(3, CAM), routing) == [
        {
            "action": "bookmark",
            "time": "2024-05-01T12:00:03.000Z",
            "text": "Shadow, review only: Loitering 23 s, zone Parvis",
        }
    ]
    assert plan_actions(loitering(3, CAM), AlertRouting(custom_event_id=5001)) == []


def red_light_run(**fields) -> AnalyticsEvent:
    """A red-light alert dated at its straddling moment (10.0 s), past the line 0.6 s later."""
    moments = [
        Moment(
            stage="straddling",
            frame=61,
            time_s=10.0,
            position=(0.5, 0.59),
            signal_state="red",
            into_red_s=1.8,
            signal_confidence=1.0,
        ),
        Moment(
            stage="past",
            frame=65,
            time_s=10.6,
            position=(0.5, 0.58),
            signal_state="red",
            into_red_s=2.4,
            signal_confidence=0.9,
        ),
    ]
    base = {"line": "Stop", "time_s": 10.0, "evidence": Evidence(signal_state="red", moments=moments)}
    return event("red_light", **(base | fields))


def test_a_red_light_run_brings_a_bookmark_at_each_moment_even_unasked() -> None:
    at = datetime(2026, 5, 4, 17, 30, 10, tzinfo=UTC)
    actions = plan_actions(red_light_run(timestamp=at), AlertRouting(custom_event_id=7, mode="live"))
    assert [a["action"] for a in actions] == ["custom_event", "bookmark", "bookmark_past"]
    assert [(a["time"], a["text"]) for a in actions[1:]] == [
        (
            "2026-05-04T17:30:10.000Z",
            "Red light car, line Stop - straddling the line, signal red, 1.8 s into red",
        ),
        ("2026-05-04T17:30:10.600Z", "Red light car, line Stop - past the line, signal red, 2.4 s into red"),
    ]


def test_a_shadow_red_light_run_is_two_marked_bookmarks_and_nothing_an_operator_sees() -> None:
    now = datetime(2026, 5, 4, 18, 0, 0, tzinfo=UTC)  # offline: no capture time, queued now
    actions = plan_actions(red_light_run(), AlertRouting(custom_event_id=7, mode="shadow"), now)
    assert [(a["action"], a["time"]) for a in actions] == [
        ("bookmark", "2026-05-04T18:00:00.000Z"),
        ("bookmark_past", "2026-05-04T18:00:00.600Z"),
    ]
    assert all(a["text"].startswith(SHADOW_PREFIX) for a in actions)
