"""Messages are short, stable and human; actions follow the skill's routing."""

import pytest

from analytics.events import AnalyticsEvent, Evidence
from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.alert_text import message_for, plan_actions
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
