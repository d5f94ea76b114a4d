"""Delivery: drains the outbox to the Web SDK, alerts before statistics, retried, rate-limited.

What Security Center receives, and how often (the guarantee; tests in tests/genetec_bridge/delivery/):
- Each camera has one request in flight at a time. Its alert lane is delivered first, in order; its
  statistics lane (counting crossings, lanes.py) only when no alert waits. Each lane has its own token
  bucket, and a statistics event waiting for a token gives way to an alert that arrives meanwhile.
- Every request is counted in the outbox (`doubt`) before it is sent. A request proven not to have
  arrived (refused connection, connect timeout, HTTP 503) is sent again, with back-off, as often as
  needed: it cannot make a duplicate.
- A request that was sent waits `answer_timeout` (client.py, default 120 s) for its answer and is not
  sent again meanwhile: a slow or briefly hung Security Center answers late and raises nothing twice.
- With no answer by then (or the connection cut after sending, or the bridge stopped mid-request), the
  request is in doubt. Once Security Center answers a ping again, it is sent once more; that is the only
  way a duplicate can happen, at most one per action, counted in `resent_in_doubt` and logged with the
  event id (the payload carries the id, so operators can recognise the repeat). If that second copy is
  in doubt too, the event is parked instead of being sent a third time. The Web SDK has no idempotency
  key, so exactly-once is not possible.

Outages, 5xx, 408 and 429: retried with exponential back-off and jitter, per camera; a 429's
`Retry-After` is waited for, up to the back-off's cap. Authentication refusals (401/403) stop all
delivery with a clear status and are retried only every `auth_retry_s`: wrong credentials need a person,
not a tight loop. An event retrying cannot deliver is parked with its reason (kept in the outbox, shown
in status, requeued with `genetec-bridge deliver`) and the camera's next events go on: a request that
cannot be built (a mistyped GUID in the routing), an answer that cannot be read, or `MAX_REJECTIONS`
refusals, each counted as a rejection: a Fail answer (a missing custom event definition is re-created
first) or any other 4xx (400, 404, 411...; the reason quotes the status and the start of the body).

One deliverer per outbox: `run` first claims the outbox (outbox.py, `claim_delivery`); while another
process (`genetec-bridge deliver`) holds it, the bridge stores events but sends none, and says who holds
it in `last_error`, until the claim is free again.

Storage: an SQLite error (disk full, database locked) is a health state, never a crash. An event that
cannot be stored is held in memory (up to `MAX_UNSTORED`) and stored when the outbox accepts writes again;
a worker whose outbox write fails keeps what it knows (an action done) and retries the write, so
nothing is lost and nothing is sent twice because of it. Every outbox call runs on the outbox's own
writer thread (`outbox_pool`, one thread), never in the event loop's shared pool, so no other kind of
work (the box, another store) delays an alert's commit; failures are reported as store 'outbox' to
`StoreHealth` when one is given, besides `storage_error`.

Audit: with an audit trail (`LaterAudit`), each delivered event is recorded there (`alert.delivered`:
camera, skill, event id, actions), after the outbox has marked it delivered, through the audit trail's
own writer: an audit trail that cannot be written delays and stops no delivery.

Retention: at start and every `PRUNE_EVERY_S`, delivered and rejected events older than their retention
are deleted from the outbox (see outbox.py); pending events are never deleted.
"""

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from analytics.events import AnalyticsEvent
from analytics.skills.base import AlertRouting
from genetec_bridge.backoff import Backoff
from genetec_bridge.delivery.alert_text import BOOKMARK_ACTIONS, plan_actions
from genetec_bridge.delivery.lanes import Lane, lane_of
from genetec_bridge.delivery.outbox import DeliveryClaimed, Outbox, OutboxStats, PendingEvent
from genetec_bridge.delivery.rate_limit import CameraRateLimiter
from genetec_bridge.health.status import DeliveryStatus, ParkedEvent
from genetec_bridge.store_health import StoreHealth
from genetec_bridge.store_writer import LaterAudit
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import (
    WebSdkAuthError,
    WebSdkError,
    WebSdkFailure,
    WebSdkInDoubt,
    WebSdkProtocolError,
    WebSdkRefused,
    WebSdkUnavailable,
)
from genetec_bridge.workers import WorkerPool

log = logging.getLogger(__name__)
T = TypeVar("T")

# Fail answers after which an event is parked: a definition re-created after the first one fixes the
# usual cause; a Fail that comes back after that will not go away by retrying.
MAX_REJECTIONS = 3
# Copies of one action that may have reached Security Center unanswered: the original and one re-send.
MAX_COPIES_IN_DOUBT = 2
# Events held in memory while the outbox cannot be written: about 20 MB, hours of a busy site.
MAX_UNSTORED = 10_000
# How often old delivered and rejected events are deleted: retention is in hours, minutes late is fine.
PRUNE_EVERY_S = 600.0
# Parked events listed in the status (all are counted).
STATUS_PARKED = 20
# Who `run` says delivers the outbox, to a second deliverer refused the claim.
BRIDGE_DELIVERER = "the bridge"


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
        audit: LaterAudit | None = None,
        store_health: StoreHealth | None = None,
        outbox_pool: WorkerPool | None = None,
    ) -> None:
        self._client = client
        self._audit = audit
        self.outbox = outbox
        self.outbox_pool = outbox_pool or WorkerPool("outbox")
        self._store_health = store_health
        # One bucket per camera and lane: statistics never use up the alerts' allowance.
        self._limiter = CameraRateLimiter(max_events_per_minute_per_camera, clock)
        self._retry = (retry_initial_s, retry_max_s)
        self._auth_retry_s = auth_retry_s if auth_retry_s is not None else retry_max_s
        self._poll_s = poll_s
        self._keep_s = (keep_delivered_h * 3600.0, keep_rejected_h * 3600.0)
        self._next_prune = float("-inf")
        self._clock = clock
        self._wake = asyncio.Event()
        self._alert_arrived: dict[str, asyncio.Event] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._auth_blocked_until = 0.0
        self._unstored: deque[tuple[AnalyticsEvent, list[dict[str, Any]]]] = deque()
        self._last_seen: tuple[OutboxStats, list[ParkedEvent]] = (OutboxStats(0, 0, 0, 0, None), [])
        self.last_error: str | None = None
        self.storage_error: str | None = None
        self.possible_duplicates = 0
        self.unstored_lost = 0

    # -- producer side -----------------------------------------------------------------------------

    async def enqueue(
        self, event: AnalyticsEvent, routing: AlertRouting, now: datetime | None = None
    ) -> bool:
        """Commit the event to the outbox (durable before this returns) and wake delivery. When the outbox
        cannot be written, the event is held in memory and stored later; True all the same."""
        return (await self.enqueue_many([(event, routing)], now)) == [True]

    async def enqueue_many(
        self, routed: list[tuple[AnalyticsEvent, AlertRouting]], now: datetime | None = None
    ) -> list[bool]:
        """`enqueue` for the events of one frame, in order, committed together (one disk flush)."""
        planned = [(event, plan_actions(event, routing, now)) for event, routing in routed]
        stored = iter(await self.enqueue_planned([(event, actions) for event, actions in planned if actions]))
        return [next(stored) if actions else False for _event, actions in planned]

    async def enqueue_planned(
        self, storable: list[tuple[AnalyticsEvent, list[dict[str, Any]]]]
    ) -> list[bool]:
        """Events with their actions already planned (each has some), stored as `enqueue_many` stores."""
        if not storable:
            return []
        stored = None
        # Behind events already waiting for the outbox, they wait too: order per camera is kept.
        if not self._unstored:
            try:
                stored = await self.outbox_pool.run(self.outbox.add_many, storable)
            except sqlite3.Error as error:
                self._storage_failed(error)
            else:
                self._storage_ok()
                for (event, _actions), added in zip(storable, stored, strict=True):
                    if added:
                        self._arrived(event)
        if stored is None:
            for event, actions in storable:
                self._hold(event, actions)
            stored = [True] * len(storable)
        return stored

    def _hold(self, event: AnalyticsEvent, actions: list[dict[str, Any]]) -> None:
        if len(self._unstored) >= MAX_UNSTORED:
            self.unstored_lost += 1
            log.error(
                "event %s lost: the outbox cannot be written and %d events wait", event.id, MAX_UNSTORED
            )
            return
        self._unstored.append((event, actions))

    async def _store_held(self) -> None:
        while self._unstored:
            event, actions = self._unstored[0]
            try:
                added = await self.outbox_pool.run(self.outbox.add, event, actions)
            except sqlite3.Error as error:
                self._storage_failed(error)
                return
            self._unstored.popleft()
            if added:
                self._arrived(event)
        self._storage_ok()

    def _arrived(self, event: AnalyticsEvent) -> None:
        self._wake.set()
        if lane_of(event) is Lane.ALERT:
            self._alert_event(event.camera).set()

    def _alert_event(self, camera: str) -> asyncio.Event:
        return self._alert_arrived.setdefault(camera, asyncio.Event())

    # -- storage -----------------------------------------------------------------------------------

    def _storage_failed(self, error: sqlite3.Error) -> None:
        if self.storage_error is None:
            log.error("outbox cannot be used (%s): events are held and the outbox is retried", error)
        self.storage_error = f"outbox: {error}"
        if self._store_health is not None:
            self._store_health.failed("outbox", error)

    def _storage_ok(self) -> None:
        if self.storage_error is not None and not self._unstored:
            log.info("outbox writable again")
            self.storage_error = None
            if self._store_health is not None:
                self._store_health.ok("outbox")

    async def _stored(self, operation: Callable[..., T], *args: Any, write: bool = True) -> T:
        """Run an outbox operation, retried until SQLite takes it: the caller keeps what it knows."""
        backoff = Backoff(*self._retry)
        while True:
            try:
                result = await self.outbox_pool.run(operation, *args)
            except sqlite3.Error as error:
                self._storage_failed(error)
                await asyncio.sleep(backoff.next_delay())
                continue
            if write:
                self._storage_ok()
            return result

    # -- delivery loop -----------------------------------------------------------------------------

    async def run(self, until_empty: bool = False) -> None:
        """Deliver forever (or, with `until_empty`, until nothing deliverable is left), once this process
        is the outbox's only deliverer."""
        await self._claim()
        try:
            while True:
                await self._store_held()
                await self._prune_when_due()
                try:
                    cameras = await self.outbox_pool.run(self.outbox.cameras_pending)
                except sqlite3.Error as error:
                    self._storage_failed(error)
                    cameras = None
                for camera in cameras or []:
                    worker = self._workers.get(camera)
                    if worker is None or worker.done():
                        self._workers[camera] = asyncio.create_task(self._deliver_camera(camera))
                idle = all(worker.done() for worker in self._workers.values())
                if until_empty and idle and cameras == [] and not self._unstored:
                    return
                self._wake.clear()
                # Polling also picks up events another process (the bridge) put in a shared outbox.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_s)
        finally:
            for worker in self._workers.values():
                worker.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def _claim(self) -> None:
        """Wait until the outbox's delivery claim is ours; meanwhile events are stored, not sent."""
        waiting = False
        while True:
            try:
                await self.outbox_pool.run(self.outbox.claim_delivery, BRIDGE_DELIVERER)
            except (DeliveryClaimed, OSError) as refused:
                # An unusable lock file (disk full before it was ever created) waits too: sending
                # without the claim could send what another deliverer sends.
                if not waiting:
                    log.warning("delivery waits: %s", refused)
                waiting = True
                self.last_error = f"delivery waits: {refused}"
                await asyncio.sleep(self._poll_s)
                continue
            if waiting:
                log.info("delivery claim taken over: this process now delivers the outbox")
                self.last_error = None
            return

    async def _prune_when_due(self) -> None:
        if self._clock() < self._next_prune:
            return
        try:
            pruned = await self.outbox_pool.run(self.outbox.prune, *self._keep_s)
        except sqlite3.Error as error:
            self._storage_failed(error)
            return
        self._next_prune = self._clock() + PRUNE_EVERY_S
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
        alert_arrived = self._alert_event(camera)
        while True:
            alert_arrived.clear()  # before reading: an alert stored after the read sets it again
            pending = await self._stored(self.outbox.next_pending, camera, write=False)
            if pending is None:
                return
            await self._wait_auth()
            if pending.sending is not None and pending.doubt >= MAX_COPIES_IN_DOUBT:
                await self._park(
                    pending,
                    f"Security Center did not answer {pending.doubt} requests for its {pending.sending} and may"
                    " have carried them out: check Security Center, then requeue it if it is missing",
                )
                continue
            if not pending.done:
                wait = self._limiter.acquire(f"{camera} {Lane(pending.lane).name}")
                if wait > 0:
                    await self._wait_for_token(wait, Lane(pending.lane), alert_arrived)
                    continue
            try:
                await self._deliver_event(pending)
            except WebSdkAuthError as error:
                # Refused at the door: the request did nothing, it does not count as a copy.
                await self._stored(self.outbox.mark_error, pending.event_id, str(error), False)
                self._block_auth(str(error))
            except (ValueError, KeyError) as error:
                # Raised while building the request: nothing was sent, and nothing sent will fix it.
                await self._stored(self.outbox.mark_error, pending.event_id, str(error), False)
                await self._park(
                    pending, f"cannot build the request ({error!s}): check the alert routing of its skill"
                )
            except WebSdkProtocolError as error:
                await self._park(
                    pending,
                    f"answer not understood ({error}): Security Center may have raised it, check before"
                    " requeueing",
                )
            except WebSdkRefused as error:
                await self._rejected(pending, error)
                await asyncio.sleep(backoff.next_delay())
            except WebSdkInDoubt as error:
                self.last_error = str(error)
                await self._stored(self.outbox.mark_in_doubt, pending.event_id, str(error))
                log.warning(
                    "event %s of camera %s in doubt (%s): sent once more when Security Center answers again",
                    pending.event_id,
                    camera,
                    error,
                )
                await self._until_answering(backoff)
            except WebSdkError as error:
                self.last_error = str(error)
                await self._stored(self.outbox.mark_error, pending.event_id, str(error), False)
                delay = backoff.next_delay()
                if isinstance(error, WebSdkUnavailable) and error.retry_after_s is not None:
                    # The server said how long to wait (429): at least that, never past the cap.
                    delay = max(delay, min(error.retry_after_s, self._retry[1]))
                log.warning("delivery to camera %s failed (%s); retry in %.1f s", camera, error, delay)
                await asyncio.sleep(delay)
            else:
                backoff.reset()

    async def _wait_for_token(self, wait: float, lane: Lane, alert_arrived: asyncio.Event) -> None:
        """Sleep until the lane's bucket has a token; a statistics lane wakes early for a new alert."""
        if lane is Lane.ALERT:
            await asyncio.sleep(wait)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(alert_arrived.wait(), wait)

    async def _until_answering(self, backoff: Backoff) -> None:
        """Wait until Security Center answers a ping, so that a re-send is not lost in the same silence."""
        while True:
            await asyncio.sleep(backoff.next_delay())
            try:
                await self._client.ping()
            except WebSdkAuthError as error:
                self._block_auth(str(error))
                return
            except WebSdkError:
                continue
            return

    async def _deliver_event(self, pending: PendingEvent) -> None:
        resending = pending.sending
        if resending is not None:
            log.warning(
                "re-sending %s of event %s: an earlier request got no answer (or the bridge stopped"
                " mid-request); Security Center may receive it twice",
                resending,
                pending.event_id,
            )
        for action in pending.remaining():
            await self._stored(self.outbox.mark_sending, pending.event_id, action["action"])
            alarm_instance = await self._send(pending, action)
            await self._stored(
                self.outbox.mark_action_done, pending.event_id, action["action"], alarm_instance
            )
            if action["action"] == resending:
                self.possible_duplicates += 1
        await self._stored(self.outbox.mark_delivered, pending.event_id)
        self.last_error = None
        if self._audit is not None:
            details = {
                "event_id": pending.event_id,
                "skill": json.loads(pending.event_json).get("skill"),
                "actions": [action["action"] for action in pending.actions],
            }
            self._audit.append("bridge", "alert.delivered", pending.camera, details)

    async def _send(self, pending: PendingEvent, action: dict[str, str]) -> int | None:
        """Send one action; for an alarm, the instance id the server returned (if any). A ValueError
        names the action and its settings (a GUID, an id), for the reason the event is parked with."""
        kind = action["action"]
        try:
            if kind == "custom_event":
                # A test event (test_event.py) carries its own payload; an alert sends its analytics event.
                await self._client.raise_custom_event(
                    int(action["custom_event_id"]),
                    pending.camera,
                    action["message"],
                    action.get("payload", pending.event_json),
                )
            elif kind == "alarm":
                return await self._client.trigger_alarm(action["alarm"], pending.camera)
            elif kind in BOOKMARK_ACTIONS:
                await self._client.add_bookmark(
                    pending.camera, datetime.fromisoformat(action["time"]), action["text"]
                )
            else:
                raise ValueError("unknown outbox action")
        except (ValueError, KeyError) as error:
            settings = {key: value for key, value in action.items() if key not in ("message", "text")}
            raise ValueError(f"{settings}, camera {pending.camera!r}: {error}") from None
        return None

    async def _park(self, pending: PendingEvent, reason: str) -> None:
        await self._stored(self.outbox.park, pending.event_id, reason)
        log.error("event %s of camera %s parked: %s", pending.event_id, pending.camera, reason)

    async def _rejected(self, pending: PendingEvent, error: WebSdkRefused) -> None:
        self.last_error = str(error)
        rejections = await self._stored(self.outbox.mark_error, pending.event_id, str(error), True)
        log.warning("Security Center refused event %s: %s", pending.event_id, error)
        if rejections >= MAX_REJECTIONS:
            await self._park(pending, f"Security Center refused it {rejections} times: {error}")
            return
        custom = next((a for a in pending.remaining() if a["action"] == "custom_event"), None)
        if custom is not None and isinstance(error, WebSdkFailure):
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
        try:
            self._last_seen = (self.outbox.stats(), self.outbox.parked(STATUS_PARKED))
        except sqlite3.Error as error:
            self._storage_failed(error)  # the figures last read are shown meanwhile
        stats, parked = self._last_seen
        oldest = stats.oldest_pending_enqueued_at
        held = len(self._unstored)
        return DeliveryStatus(
            produced=stats.produced + held,
            delivered=stats.delivered,
            pending=stats.pending + held,
            rejected=stats.rejected,
            parked=parked,
            resent_in_doubt=self.possible_duplicates,
            storage_error=self.storage_error,
            unstored=held,
            oldest_pending_age_s=max(0.0, time.time() - oldest) if oldest is not None else None,
            last_error=self.last_error,
        )
