"""Delivery: drains the outbox to the Web SDK, in order per camera, retried, rate-limited.

Crash handling (at-least-once): an action is marked `sending` (committed) before its request and `done`
(committed) after the server's Ok. A crash between the Ok and the `done` commit cannot be told apart
from a crash before the request reached the server, so the next process sends that action again: nothing
is lost, and the only possible duplicate is that one request. Each camera has at most one request in
flight, so the window is one request per camera. The next process logs such re-sends as possible
duplicates, and the payload carries the event's stable id so rules or operators in Security Center can
recognise a repeat. Exactly-once would need the server to dedupe by a client key, which the Web SDK
does not offer.

Outages and 5xx: retried with exponential back-off and jitter, per camera. Authentication refusals
(401/403) stop all delivery with a clear status and are retried only every `auth_retry_s`: wrong
credentials need a person, not a tight loop. Fail answers are retried a few times (re-creating a missing
custom event definition), then the event is parked as rejected, kept in the outbox and shown in status.

Audit: with an audit trail, each delivered event is recorded there (`alert.delivered`: camera, skill,
event id, actions), after the outbox has marked it delivered.

Retention: at start and every `PRUNE_EVERY_S`, delivered and rejected events older than their retention
are deleted from the outbox (see outbox.py); pending events are never deleted.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime

from analytics.events import AnalyticsEvent
from analytics.skills.base import AlertRouting
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.backoff import Backoff
from genetec_bridge.delivery.alert_text import plan_actions
from genetec_bridge.delivery.outbox import Outbox, PendingEvent
from genetec_bridge.delivery.rate_limit import CameraRateLimiter
from genetec_bridge.health.status import DeliveryStatus
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkAuthError, WebSdkError, WebSdkFailure

log = logging.getLogger(__name__)

# Refusals by Security Center after which an event is parked in the outbox instead of retried.
MAX_REJECTIONS = 5
# How often old delivered and rejected events are deleted: retention is in hours, minutes late is fine.
PRUNE_EVERY_S = 600.0


class DeliveryService:
    def __init__(
        self,
        client: WebSdkClient,
        outbox: Outbox,
        *,
        max_events_per_minute_per_camera: int = 30,
        retry_initial_s: float = 1.0,
        retry_max_s: float = 60.0,
        auth_retry_s: float | None = None,
        poll_s: float = 1.0,
        keep_delivered_h: float = 24.0,
        keep_rejected_h: float = 168.0,
        clock: Callable[[], float] = time.monotonic,
        audit: AuditTrail | None = None,
    ) -> None:
        self._client = client
        self._audit = audit
        self.outbox = outbox
        self._limiter = CameraRateLimiter(max_events_per_minute_per_camera, clock)
        self._retry = (retry_initial_s, retry_max_s)
        self._auth_retry_s = auth_retry_s if auth_retry_s is not None else retry_max_s
        self._poll_s = poll_s
        self._keep_s = (keep_delivered_h * 3600.0, keep_rejected_h * 3600.0)
        self._next_prune = float("-inf")
        self._clock = clock
        self._wake = asyncio.Event()
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._auth_blocked_until = 0.0
        self.last_error: str | None = None
        self.possible_duplicates = 0

    # -- producer side -----------------------------------------------------------------------------

    async def enqueue(
        self, event: AnalyticsEvent, routing: AlertRouting, now: datetime | None = None
    ) -> bool:
        """Commit the event to the outbox (durable before this returns) and wake delivery."""
        added = await asyncio.to_thread(self.outbox.add, event, plan_actions(event, routing, now))
        if added:
            self._wake.set()
        return added

    # -- delivery loop -----------------------------------------------------------------------------

    async def run(self, until_empty: bool = False) -> None:
        """Deliver forever (or, with `until_empty`, until nothing deliverable is left)."""
        try:
            while True:
                await self._prune_when_due()
                for camera in await asyncio.to_thread(self.outbox.cameras_pending):
                    worker = self._workers.get(camera)
                    if worker is None or worker.done():
                        self._workers[camera] = asyncio.create_task(self._deliver_camera(camera))
                idle = all(worker.done() for worker in self._workers.values())
                if until_empty and idle and not await asyncio.to_thread(self.outbox.cameras_pending):
                    return
                self._wake.clear()
                # Polling also picks up events another process (the bridge) put in a shared outbox.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_s)
        finally:
            for worker in self._workers.values():
                worker.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def _prune_when_due(self) -> None:
        if self._clock() < self._next_prune:
            return
        self._next_prune = self._clock() + PRUNE_EVERY_S
        pruned = await asyncio.to_thread(self.outbox.prune, *self._keep_s)
        if pruned.delivered or pruned.rejected:
            log.info(
                "outbox: pruned %d delivered and %d rejected events older than %g h and %g h",
                pruned.delivered,
                pruned.rejected,
                self._keep_s[0] / 3600.0,
                self._keep_s[1] / 3600.0,
            )

    async def _deliver_camera(self, camera: str) -> None:
        backoff = Backoff(*self._retry)
        while (pending := await asyncio.to_thread(self.outbox.next_pending, camera)) is not None:
            await self._wait_auth()
            if not pending.done:
                while (wait := self._limiter.acquire(camera)) > 0:
                    await asyncio.sleep(wait)
            try:
                await self._deliver_event(pending)
            except WebSdkAuthError as error:
                self._block_auth(str(error))
            except WebSdkFailure as error:
                await self._rejected(pending, error)
                await asyncio.sleep(backoff.next_delay())
            except WebSdkError as error:
                self.last_error = str(error)
                await asyncio.to_thread(self.outbox.mark_error, pending.event_id, str(error), False)
                delay = backoff.next_delay()
                log.warning("delivery to camera %s failed (%s); retry in %.1f s", camera, error, delay)
                await asyncio.sleep(delay)
            else:
                backoff.reset()

    async def _deliver_event(self, pending: PendingEvent) -> None:
        if pending.sending is not None:
            self.possible_duplicates += 1
            log.warning(
                "re-sending %s of event %s: a previous run may have sent it already (at most one duplicate)",
                pending.sending,
                pending.event_id,
            )
        for action in pending.remaining():
            await asyncio.to_thread(self.outbox.mark_sending, pending.event_id, action["action"])
            alarm_instance = await self._send(pending, action)
            await asyncio.to_thread(
                self.outbox.mark_action_done, pending.event_id, action["action"], alarm_instance
            )
        await asyncio.to_thread(self.outbox.mark_delivered, pending.event_id)
        self.last_error = None
        if self._audit is not None:
            details = {
                "event_id": pending.event_id,
                "skill": json.loads(pending.event_json).get("skill"),
                "actions": [action["action"] for action in pending.actions],
            }
            await asyncio.to_thread(self._audit.append, "bridge", "alert.delivered", pending.camera, details)

    async def _send(self, pending: PendingEvent, action: dict[str, str]) -> int | None:
        """Send one action; for an alarm, the instance id the server returned (if any)."""
        kind = action["action"]
        if kind == "custom_event":
            await self._client.raise_custom_event(
                int(action["custom_event_id"]), pending.camera, action["message"], pending.event_json
            )
        elif kind == "alarm":
            return await self._client.trigger_alarm(action["alarm"], pending.camera)
        elif kind == "bookmark":
            await self._client.add_bookmark(
                pending.camera, datetime.fromisoformat(action["time"]), action["text"]
            )
        else:
            raise ValueError(f"unknown outbox action {kind!r}")
        return None

    async def _rejected(self, pending: PendingEvent, error: WebSdkFailure) -> None:
        self.last_error = str(error)
        rejections = await asyncio.to_thread(self.outbox.mark_error, pending.event_id, str(error), True)
        log.warning("Security Center refused event %s: %s", pending.event_id, error)
        if rejections >= MAX_REJECTIONS:
            await asyncio.to_thread(self.outbox.park, pending.event_id)
            log.error("event %s parked after %d refusals; see the outbox", pending.event_id, rejections)
            return
        custom = next((a for a in pending.remaining() if a["action"] == "custom_event"), None)
        if custom is not None:
            # The usual cause is a custom event definition deleted on the server: re-create it.
            try:
                await self._client.ensure_custom_events(
                    {int(custom["custom_event_id"]): custom["custom_event_name"]}
                )
            except WebSdkError as ensure_error:
                log.warning(
                    "could not re-create custom event %s: %s", custom["custom_event_id"], ensure_error
                )

    def _block_auth(self, message: str) -> None:
        if self._clock() >= self._auth_blocked_until:
            log.error("delivery stopped: %s; next try in %.0f s", message, self._auth_retry_s)
        self.last_error = f"{message} (delivery stopped; next try in {self._auth_retry_s:g} s)"
        self._auth_blocked_until = self._clock() + self._auth_retry_s

    async def _wait_auth(self) -> None:
        while (remaining := self._auth_blocked_until - self._clock()) > 0:
            await asyncio.sleep(remaining)

    # -- status ------------------------------------------------------------------------------------

    def status(self) -> DeliveryStatus:
        stats = self.outbox.stats()
        oldest = stats.oldest_pending_enqueued_at
        return DeliveryStatus(
            produced=stats.produced,
            delivered=stats.delivered,
            pending=stats.pending,
            rejected=stats.rejected,
            oldest_pending_age_s=max(0.0, time.time() - oldest) if oldest is not None else None,
            last_error=self.last_error,
        )
