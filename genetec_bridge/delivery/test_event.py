"""The health page's test event: one custom event raised on a chosen camera through the same path as
an alert (committed to the outbox, then delivered, retried, refused or parked by delivery/service.py),
so that it proves the whole link to Security Center and nothing less.

It is a test and says so everywhere an operator could see it: its custom event is the box's own
(`[box].test_custom_event_id`, named `TEST_EVENT_NAME`, created before the first test if missing, and
refused at load if a skill uses the same id, so no skill's event-to-action rule runs), its message
starts with `TEST`, and its payload is a small JSON object with `"test": true`, who asked and when,
instead of an analytics event. Its outcome is read back from the outbox by its id: delivered, refused
(with Security Center's answer, while delivery retries), parked (with the reason) or still waiting.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from analytics.events import AnalyticsEvent
from genetec_bridge.delivery.outbox import EventState
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.redaction import redact_credentials
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

log = logging.getLogger(__name__)

TEST_EVENT_NAME = "Analytics bridge test"
TEST_SKILL = "test event (configuration box)"

Outcome = Literal["pending", "retrying", "refused", "delivered", "parked"]


@dataclass(frozen=True, slots=True)
class TestOutcome:
    event_id: str
    outcome: Outcome
    answer: str | None
    """Security Center's answer or delivery's reason (credentials taken out); None when delivered."""

    @property
    def final(self) -> bool:
        return self.outcome in ("delivered", "parked")


def outcome_of(state: EventState) -> TestOutcome:
    answer = redact_credentials(state.last_error) if state.last_error else None
    if state.delivered:
        return TestOutcome(state.event_id, "delivered", None)
    if state.parked:
        return TestOutcome(state.event_id, "parked", answer)
    if state.rejections:
        return TestOutcome(state.event_id, "refused", answer)
    return TestOutcome(state.event_id, "retrying" if answer else "pending", answer)


class TestEvents:
    """Sends test events through a bridge's delivery and reads their outcome back."""

    def __init__(self, delivery: DeliveryService, websdk: WebSdkClient, custom_event_id: int) -> None:
        self._delivery = delivery
        self._websdk = websdk
        self._custom_event_id = custom_event_id

    async def send(self, camera_id: str, actor: str) -> str:
        """Queue one test event on the camera (durable before this returns); its event id."""
        await self._ensure_definition()
        now = datetime.now(UTC)
        event_id = f"test-{uuid.uuid4().hex}"
        # The outbox keeps events as analytics events: this one only carries the test's id, camera and
        # time; what Security Center receives is the action's own message and payload.
        event = AnalyticsEvent(
            id=event_id,
            kind="intrusion",
            skill=TEST_SKILL,
            phase="instant",
            camera=camera_id,
            class_name="test",
            track_id=0,
            frame=1,
            time_s=0.0,
            timestamp=now,
        )
        payload = {
            "test": True,
            "source": "analytics bridge configuration box",
            "event_id": event_id,
            "camera": camera_id,
            "requested_by": actor,
            "at": now.isoformat(),
        }
        action = {
            "action": "custom_event",
            "custom_event_id": self._custom_event_id,
            "custom_event_name": TEST_EVENT_NAME,
            "message": f"TEST from the analytics bridge, not an alert (asked by {actor})",
            "payload": json.dumps(payload),
        }
        await self._delivery.enqueue_planned([(event, [action])])
        return event_id

    async def outcome(self, event_id: str) -> TestOutcome | None:
        state = await self._delivery.outbox_pool.run(self._delivery.outbox.event_state, event_id)
        return outcome_of(state) if state else None

    async def _ensure_definition(self) -> None:
        """Created before the first test, as the bridge creates its skills' at start: the test then
        shows the link, not the first-use repair (which delivery would also make, after a refusal)."""
        try:
            await self._websdk.ensure_custom_events({self._custom_event_id: TEST_EVENT_NAME})
        except WebSdkError as error:
            log.warning("test event definition not checked (%s): delivery will tell", error)
