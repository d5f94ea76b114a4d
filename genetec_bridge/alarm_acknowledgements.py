"""Operator acknowledgements of the alarms the bridge triggered, read from Security Center's event stream.

Run only when a skill routes to an alarm. Each acknowledgement of one of our alarm instances is recorded
in the outbox against its event, so the maintainer sees, per skill, how many alarms operators answered
and how fast, and becomes a verdict on the alert (trust loop: the site's config says which of the
Default and Alternate acknowledgements means "false alarm"). Acknowledgements of other alarms are ignored. The stream is separate from delivery: a
dead stream loses acknowledgements (Security Center does not replay them), never events.
"""

import logging
import sqlite3

from analytics.events import AnalyticsEvent
from genetec_bridge.delivery.alert_text import message_for
from genetec_bridge.delivery.outbox import AcknowledgedAlarm, Outbox
from genetec_bridge.trust.service import TrustError, TrustService
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.event_stream import EventStream, StreamEvent
from genetec_bridge.workers import WorkerPool

log = logging.getLogger(__name__)


class AlarmAcknowledgements:
    def __init__(
        self,
        client: WebSdkClient,
        outbox: Outbox,
        trust: TrustService | None = None,
        silence_timeout_s: float = 30.0,
        outbox_pool: WorkerPool | None = None,
        trust_pool: WorkerPool | None = None,
    ) -> None:
        # Alarm monitoring alone brings AlarmTriggered/AlarmAcknowledge: no subscription is needed.
        self._stream = EventStream(client, [], alarm_monitoring=True, silence_timeout_s=silence_timeout_s)
        self._outbox = outbox
        self._trust = trust
        # Each store's own writer (the bridge's), so that a slow store delays only its own writes.
        self._outbox_pool = outbox_pool or WorkerPool("outbox")
        self._trust_pool = trust_pool or WorkerPool("trust")

    @property
    def connected(self) -> bool:
        return self._stream.connection_id is not None

    @property
    def last_error(self) -> str | None:
        return self._stream.last_error

    async def run(self) -> None:
        """Forever: the stream reconnects with back-off on its own."""
        async for event in self._stream:
            if event.is_alarm_acknowledgement:
                await self.record(event)

    async def record(self, event: StreamEvent) -> AcknowledgedAlarm | None:
        """Store the acknowledgement if the instance is ours; the record, or None when ignored."""
        try:
            instance_id = int(event.data["InstanceId"])
        except (KeyError, TypeError, ValueError):
            log.warning("alarm acknowledgement without an instance id ignored: %s", event.data)
            return None
        # The acknowledgement type's key is not documented; `AckType` follows the `AckTime` naming, and
        # `AckBy` the "Acknowledged by" column of Security Desk's alarm report (both assumed).
        ack_type = event.data.get("AckType")
        if ack_type is None and self._trust is not None:
            # Names only (no values): what a real server sends, should the assumed key be wrong.
            log.warning("alarm acknowledgement without AckType, fields: %s", sorted(event.data))
        try:
            acknowledged = await self._outbox_pool.run(
                self._outbox.acknowledge_alarm, instance_id, str(ack_type) if ack_type is not None else None
            )
        except sqlite3.Error as error:
            # A storage fault loses this record, as a dead stream would; it must not stop the bridge.
            log.error("acknowledgement of alarm %d not recorded: outbox error %s", instance_id, error)
            return None
        if acknowledged is not None:
            analytics_event = AnalyticsEvent.model_validate_json(acknowledged.event_json)
            log.info(
                "alarm %d acknowledged for event %s (%s) after %.0f s",
                instance_id,
                acknowledged.event_id,
                message_for(analytics_event),
                acknowledged.delay_s,
            )
            if self._trust is not None:
                await self._verdict(acknowledged, event.data.get("AckBy"))
        return acknowledged

    async def _verdict(self, acknowledged: AcknowledgedAlarm, operator: object) -> None:
        try:
            await self._trust_pool.run(
                self._trust.record_acknowledgement,  # type: ignore[union-attr]
                acknowledged.event_id,
                acknowledged.ack_type,
                str(operator) if operator else None,
            )
        except TrustError as error:
            # E.g. the alarm of an `end` phase, which is not an alert of its own.
            log.info("acknowledgement of event %s gives no verdict: %s", acknowledged.event_id, error)
