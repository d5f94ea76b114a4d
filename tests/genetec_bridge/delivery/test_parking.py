"""Events that retrying cannot deliver are parked with their reason, visible in status, metrics and
`genetec-bridge deliver`, while the camera's other events flow (fake Web SDK over real sockets)."""

import asyncio
import json
import os
import subprocess
import sys

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import MAX_REJECTIONS, DeliveryService
from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import intrusion
from tests.support.fake_websdk_process import (
    ALARM_GUID,
    CAMERA_GUIDS,
    REPO_ROOT,
    FakeWebSdkProcess,
    wait_until,
)

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
GOOD = AlertRouting(custom_event_id=5000, alarm=ALARM_GUID, mode="live")
# A typo in the alarm GUID ('g' is not hex): no request can be built.
MISTYPED = AlertRouting(custom_event_id=5000, alarm=ALARM_GUID[:-1] + "g", mode="live")
# Well formed, but no such alarm in Security Center: refused with a Fail every time.
UNKNOWN = AlertRouting(custom_event_id=5000, alarm="00000002-0000-babe-0000-0000000000ff", mode="live")


def deliver_command(outbox: Outbox, *args: str) -> str:
    command = [sys.executable, "-m", "genetec_bridge.cli", "deliver", "--outbox", str(outbox.path), *args]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def raised_ids(fake: FakeWebSdkProcess) -> list[str]:
    return [json.loads(record["payload"])["id"] for record in fake.raised_custom_events()]


@pytest.mark.timeout(120)
async def test_undeliverable_events_are_parked_with_their_reason_and_the_camera_goes_on(tmp_path):
    fake = FakeWebSdkProcess(record=tmp_path / "received.jsonl")
    await asyncio.to_thread(fake.start)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    events = [intrusion(i, CAMERA) for i in range(7)]
    mistyped, unknown, garbled = events[1], events[3], events[5]
    try:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
            service = DeliveryService(
                client, outbox, max_events_per_minute_per_camera=100_000, retry_initial_s=0.1, poll_s=0.1
            )
            delivery = asyncio.create_task(service.run())
            for event in events[:5]:
                routing = {mistyped.id: MISTYPED, unknown.id: UNKNOWN}.get(event.id, GOOD)
                await service.enqueue(event, routing)
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 60)
            # The next answer is carried out but cannot be read (a proxy mangling it).
            await asyncio.to_thread(fake.set_failures, garbage_next=1)
            for event in events[5:]:
                await service.enqueue(event, GOOD)
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 60)
            status = service.status()
            metrics = render_metrics(lambda: BridgeStatus(delivery=service.status())).decode()

            listed = await asyncio.to_thread(deliver_command, outbox, "--list-parked")
            requeued = await asyncio.to_thread(deliver_command, outbox, "--requeue-parked", garbled.id)
            # The running service picks the requeued event up from the shared outbox.
            await asyncio.to_thread(wait_until, lambda: service.status().rejected == 2, 30)
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 30)
            after_requeue = service.status()
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
        raised = await asyncio.to_thread(raised_ids, fake)
    finally:
        await asyncio.to_thread(fake.stop)

    reasons = {parked.event_id: parked.reason for parked in status.parked}
    assert set(reasons) == {mistyped.id, unknown.id, garbled.id} and status.rejected == 3
    assert "cannot build the request" in reasons[mistyped.id] and MISTYPED.alarm in reasons[mistyped.id]
    assert (
        f"refused it {MAX_REJECTIONS} times" in reasons[unknown.id] and "UnknownEntity" in reasons[unknown.id]
    )
    assert "answer not understood" in reasons[garbled.id]
    # Every other event of the camera was delivered, the later ones too.
    assert status.delivered == 4 and {e.id for e in events} - set(reasons) <= set(raised)
    assert "genetec_bridge_events_parked 3.0" in metrics
    for event_id in reasons:
        assert event_id in listed
    assert "3 parked events" in listed and "requeued 1 parked events" in requeued
    assert (after_requeue.rejected, after_requeue.delivered) == (2, 5)
    assert raised.count(garbled.id) == 2, (
        "requeued after a garbled answer: raised again, as the operator chose"
    )


def test_list_parked_without_an_outbox_or_config_names_what_is_missing():
    command = [sys.executable, "-m", "genetec_bridge.cli", "deliver", "--list-parked"]
    env = {key: value for key, value in os.environ.items() if key != "GENETEC_PASSWORD"}
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "--outbox" in done.stdout
