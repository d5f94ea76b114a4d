"""What Security Center receives for an analytics event: a short, stable, human message and the list of
actions (custom event always; alarm and bookmark when the skill's routing asks), fixed at enqueue time so
the outbox alone says what is left to send.

A skill in shadow mode (routing.mode, the current one from the trust store) never reaches operators: no
custom event and no alarm, only the bookmark if the routing asks for one, marked as shadow so that a
reviewer finds the moment in Security Center's archive and an operator does not take it for an alarm."""

from datetime import UTC, datetime
from typing import Any

from analytics.events import AnalyticsEvent
from analytics.skills.base import AlertRouting
from genetec_bridge.websdk.query import iso_utc

_TITLES = {
    "loitering": "Loitering",
    "intrusion": "Intrusion",
    "parking": "Parking",
    "red_light": "Red light",
    "lane_misuse": "Lane misuse",
    "line_cross": "Line cross",
}


def message_for(event: AnalyticsEvent) -> str:
    """E.g. `Loitering 23 s, zone Parvis`, `Intrusion person, zone Gare`, `Line cross car A->B, line L1`.

    The wording is stable (operators' event-to-action rules match on it) and carries no identity."""
    title = _TITLES[event.kind] + (" ended" if event.phase == "end" else "")
    evidence = event.evidence
    if event.kind in ("loitering", "parking") and evidence.dwell_s is not None:
        subject = (
            f"{title} {round(evidence.dwell_s)} s"
            if event.kind == "loitering"
            else f"{title} {event.class_name} {round(evidence.dwell_s)} s"
        )
    elif event.kind == "line_cross" and evidence.direction:
        subject = f"{title} {event.class_name} {evidence.direction}"
    else:
        subject = f"{title} {event.class_name}"
    place = f"zone {event.zone}" if event.zone else f"line {event.line}" if event.line else None
    return f"{subject}, {place}" if place else subject


SHADOW_PREFIX = "Shadow, review only: "


def bookmark_text(event: AnalyticsEvent, routing: AlertRouting) -> str:
    """The bookmark's text: the message, marked when the skill is in shadow mode."""
    message = message_for(event)
    return SHADOW_PREFIX + message if routing.mode == "shadow" else message


def plan_actions(
    event: AnalyticsEvent, routing: AlertRouting, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The Web SDK actions for this event; empty when its phase is not routed to Security Center."""
    if event.phase not in routing.phases:
        return []
    actions: list[dict[str, Any]] = []
    if routing.mode == "live":
        actions.append(
            {
                "action": "custom_event",
                "custom_event_id": routing.custom_event_id,
                # Kept so delivery can re-create a definition deleted on the server.
                "custom_event_name": routing.custom_event_name or event.skill,
                "message": message_for(event),
            }
        )
        if routing.alarm:
            actions.append({"action": "alarm", "alarm": routing.alarm})
    if routing.bookmark:
        # Offline events have no capture time: the bookmark then marks when the event was queued.
        moment = event.timestamp or now or datetime.now(UTC)
        actions.append({"action": "bookmark", "time": iso_utc(moment), "text": bookmark_text(event, routing)})
    return actions
