"""Alerts before statistics: a counting line that has used up its rate limit never holds an intrusion
back (fake Web SDK over real sockets)."""

import asyncio
import json

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import crossing, intrusion
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
ROUTING = AlertRouting(custom_event_id=5000, mode="live")


def raised_ids(fake: FakeWebSdkProcess) -> list[str]:
    return [json.loads(record["payload"])["id"] for record in fake.raised_custom_events()]


@pytest.mark.timeout(120)
async def test_an_intrusion_overtakes_counting_events_waiting_for_their_rate_limit(tmp_path):
    fake = FakeWebSdkProcess(record=tmp_path / "received.jsonl")
    await asyncio.to_thread(fake.start)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    crossings = [crossing(i, CAMERA) for i in range(6)]
    alert = intrusion(99, CAMERA)
    try:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
            # One event per minute and lane: the second crossing waits 60 s for a token.
            service = DeliveryService(client, outbox, max_events_per_minute_per_camera=1, poll_s=0.1)
            delivery = asyncio.create_task(service.run())
            for event in crossings:
                await service.enqueue(event, ROUTING)
            await asyncio.to_thread(wait_until, lambda: len(raised_ids(fake)) == 1, 30)
            await service.enqueue(alert, ROUTING)
            # Well before that token: the intrusion does not wait behind the crossing.
            raised = await asyncio.to_thread(
                wait_until, lambda: (ids := raised_ids(fake)) and alert.id in ids and ids, 20
            )
            pending = service.status().pending
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
    finally:
        await asyncio.to_thread(fake.stop)
    assert raised == [crossings[0].id, alert.id]
    assert pending == 5, "the crossings still wait for their own tokens"
