"""A 4xx answer is a refusal, not an outage: the event is counted as rejected, parked after
`MAX_REJECTIONS` with its status and what the server said, and the camera's later alerts go on; 408 and
429 are waits, retried without counting (the fake Web SDK, a real process over real sockets)."""

import asyncio
import json
import logging
import re

import pytest

from analytics.events import AnalyticsEvent
from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import MAX_REJECTIONS, DeliveryService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import intrusion, loitering
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
ROUTING = AlertRouting(custom_event_id=5000, mode="live")
RETRY_MAX_S = 3.0


def service_for(client: WebSdkClient, outbox: Outbox) -> DeliveryService:
    return DeliveryService(
        client,
        outbox,
        max_events_per_minute_per_camera=100_000,
        retry_initial_s=0.1,
        retry_max_s=RETRY_MAX_S,
        poll_s=0.1,
    )


def raised_ids(fake: FakeWebSdkProcess) -> list[str]:
    return [json.loads(record["payload"])["id"] for record in fake.raised_custom_events()]


def answered(fake: FakeWebSdkProcess, status: int) -> list[dict[str, object]]:
    return [record for record in fake.received() if record.get("status") == status]


async def deliver_all(
    fake: FakeWebSdkProcess, outbox: Outbox, events: list[AnalyticsEvent]
) -> DeliveryService:
    """Enqueue the events on a running delivery service and wait until none is pending."""
    async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
        service = service_for(client, outbox)
        delivery = asyncio.create_task(service.run())
        try:
            for event in events:
                assert await service.enqueue(event, ROUTING)
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 60)
        finally:
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
    return service


@pytest.mark.timeout(180)
async def test_an_event_answered_400_is_parked_with_its_reason_and_the_cameras_later_alerts_go_on(tmp_path):
    # Only the loitering alert is refused ("Loitering 23 s, zone Parvis" is in its request), every time.
    events = [intrusion(0, CAMERA), loitering(1, CAMERA), *(intrusion(i, CAMERA) for i in range(2, 6))]
    refused = events[1]
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    try:
        await asyncio.to_thread(
            fake.set_failures, refuse_status=400, refuse_next=-1, refuse_matching="Loitering"
        )
        service = await deliver_all(fake, outbox, events)
        status = service.status()
        raised = await asyncio.to_thread(raised_ids, fake)
        refusals = await asyncio.to_thread(answered, fake, 400)
    finally:
        outbox.close()
        await asyncio.to_thread(fake.stop)

    [parked] = status.parked
    assert parked.event_id == refused.id
    assert f"refused it {MAX_REJECTIONS} times" in parked.reason
    assert "HTTP 400" in parked.reason and "400 Refused" in parked.reason, "the status and the body"
    assert fake.password not in parked.reason and fake.password not in (status.last_error or "")
    assert len(refusals) == MAX_REJECTIONS, "asked the usual number of times, then parked"
    # Counted: produced = delivered + parked, every later alert of the camera raised once.
    assert (status.produced, status.delivered, status.rejected) == (6, 5, 1)
    assert sorted(raised) == sorted(event.id for event in events if event is not refused)


@pytest.mark.timeout(180)
@pytest.mark.parametrize(("status", "retry_after", "wait_s"), [(429, "2", 2.0), (429, "3600", RETRY_MAX_S)])
async def test_429_is_waited_for_within_the_cap_then_delivered_once(
    tmp_path, caplog, status, retry_after, wait_s
):
    # More "too many requests" answers than the rejections that park an event: none counts as one.
    event = intrusion(0, CAMERA)
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    try:
        await asyncio.to_thread(
            fake.set_failures,
            refuse_status=status,
            refuse_next=MAX_REJECTIONS + 1,
            refuse_matching="RaiseCustomEvent",
            retry_after=retry_after,
        )
        with caplog.at_level(logging.WARNING, logger="genetec_bridge.delivery.service"):
            service = await deliver_all(fake, outbox, [event])
        delivery = service.status()
        raised = await asyncio.to_thread(raised_ids, fake)
        waits = await asyncio.to_thread(answered, fake, status)
    finally:
        outbox.close()
        await asyncio.to_thread(fake.stop)

    assert raised == [event.id] and len(waits) == MAX_REJECTIONS + 1
    assert (delivery.delivered, delivery.rejected, delivery.parked) == (1, 0, [])
    # The delay each retry was given (the decision, not a measured time): what the server asked, capped.
    delays = [float(m) for m in re.findall(r"retry in ([0-9.]+) s", caplog.text)]
    assert len(delays) == MAX_REJECTIONS + 1 and all(delay >= wait_s - 0.05 for delay in delays)
    assert all(delay <= RETRY_MAX_S for delay in delays)
