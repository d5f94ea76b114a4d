"""What Security Center receives for an analytics event: a short, stable, human message and the list of
actions (custom event always; alarm and bookmark when the skill's routing asks), fixed at enqueue time so
the outbox alone says what is left to send.

A skill in shadow mode (routing.mode, the current one from the trust store) never reaches operators: no
custom event and no alarm, only the bookmark if the routing asks for one, marked as shadow so that a
reviewer finds the moment in Security Center's archive and an operator does not take it for an alarm.

A red-light alert carries its two moments (the vehicle straddling the stop line, then past it) and brings
one bookmark at each, whatever the routing's `bookmark` says: a red-light alert is a case a person
reviews on the recording, never a fine, and the two images are what that person needs. The outbox
records each action done by its name, so the two are named apart (`BOOKMARK_ACTIONS`)."""

from datetime import UTC, datetime, timedelta
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
# The action names of bookmarks, the first one at the event (or a red-light run's straddling moment).
BOOKMARK_ACTIONS = ("bookmark", "bookmark_past")
_MOMENT_WORDS = {"straddling": "straddling the line", "past": "past the line"}


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
    # Offline events have no capture time: the bookmark then marks when the event was queued.
    at = event.timestamp or now or datetime.now(UTC)
    if event.evidence.moments:
        text = bookmark_text(event, routing)
        for name, moment in zip(BOOKMARK_ACTIONS, event.evidence.moments, strict=False):
            into_red = "" if moment.into_red_s is None else f", {moment.into_red_s:.1f} s into red"
            when = at + timedelta(seconds=moment.time_s - event.time_s)
            words = f"{_MOMENT_WORDS[moment.stage]}, signal {moment.signal_state}{into_red}"
            actions.append({"action": name, "time": iso_utc(when), "text": f"{text} - {words}"})
    elif routing.bookmark:
        actions.append({"action": "bookmark", "time": iso_utc(at), "text": bookmark_text(event, routing)})
    return actions
