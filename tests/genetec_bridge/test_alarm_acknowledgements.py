"""Operator acknowledgements against the fake Web SDK subprocess: an alarm triggered by delivery is
acknowledged through the fake's control API (as an operator in Security Desk would) and the bridge records
it against the event; acknowledgements of other alarms are ignored."""

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.alarm_acknowledgements import AlarmAcknowledgements
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.event_stream import StreamEvent
from tests.support.analytics_events import loitering
from tests.support.fake_websdk_process import ALARM_GUID, CAMERA_GUIDS, FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
ROUTING = AlertRouting(custom_event_id=5000, alarm=ALARM_GUID, mode="live")


@dataclass
class Running:
    fake: FakeWebSdkProcess
    client: WebSdkClient
    outbox: Outbox
    delivery: DeliveryService
    acknowledgements: AlarmAcknowledgements

    async def wait(self, predicate: object) -> None:
        await asyncio.to_thread(wait_until, predicate, 15.0, 0.05)

    async def deliver_alarm(self, index: int) -> int:
        """Deliver a loitering event routed to the alarm; the instance id the fake created."""
        assert await self.delivery.enqueue(loitering(index, CAMERA), ROUTING)
        await self.wait(lambda: self.delivery.status().pending == 0)
        return max(row["InstanceId"] for row in self.fake.state()["alarm_instances"])


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    # The fake notices a closed stream at its next KeepAlive; stopping it waits for that.
    await asyncio.to_thread(fake.set_failures, keepalive_s=0.5)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
        delivery = DeliveryService(client, outbox, poll_s=0.1)
        acknowledgements = AlarmAcknowledgements(client, outbox)
        tasks = [asyncio.create_task(delivery.run()), asyncio.create_task(acknowledgements.run())]
        # Acknowledgements made before alarm monitoring is on are never sent: wait for the stream.
        await asyncio.to_thread(wait_until, lambda: acknowledgements.connected, 15.0, 0.05)
        try:
            yield Running(fake, client, outbox, delivery, acknowledgements)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            outbox.close()
            await asyncio.to_thread(fake.stop)


async def test_operator_acknowledgement_is_recorded_against_the_event(
    running: Running, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="genetec_bridge.alarm_acknowledgements")
    instance = await running.deliver_alarm(1)
    event_id = loitering(1, CAMERA).id

    await asyncio.to_thread(running.fake.acknowledge, instance)
    await running.wait(lambda: running.outbox.alarm_responses()[0].acknowledged == 1)

    with sqlite3.connect(tmp_path / "outbox.sqlite3") as db:
        rows = db.execute(
            "SELECT event_id, instance_id, triggered_at, acknowledged_at FROM alarms"
        ).fetchall()
    assert len(rows) == 1
    recorded_event, recorded_instance, triggered_at, acknowledged_at = rows[0]
    assert (recorded_event, recorded_instance) == (event_id, instance)
    assert triggered_at <= acknowledged_at
    logged = f"alarm {instance} acknowledged for event {event_id} (Loitering 23 s, zone Parvis) after "
    assert re.search(re.escape(logged) + r"\d+ s", caplog.text), caplog.text
    metrics = render_metrics(lambda: BridgeStatus(alarms=running.outbox.alarm_responses())).decode()
    labels = f'{{camera="{CAMERA}",skill="loitering:Parvis"}}'
    assert f"genetec_bridge_alarms_triggered_total{labels} 1.0" in metrics
    assert f"genetec_bridge_alarms_acknowledged_total{labels} 1.0" in metrics
    assert f"genetec_bridge_alarm_acknowledgement_delay_seconds_count{labels} 1.0" in metrics


async def test_acknowledgements_of_alarms_we_did_not_trigger_are_ignored(running: Running) -> None:
    foreign = await running.client.trigger_alarm(ALARM_GUID, CAMERA)  # e.g. raised by a door controller
    assert foreign is not None
    ours = await running.deliver_alarm(2)

    # Acknowledged in this order on one stream: once ours is recorded, the foreign one was handled.
    await asyncio.to_thread(running.fake.acknowledge, foreign)
    await asyncio.to_thread(running.fake.acknowledge, ours)
    await running.wait(lambda: running.outbox.alarm_responses()[0].acknowledged == 1)

    [responses] = running.outbox.alarm_responses()
    assert (responses.triggered, responses.acknowledged) == (1, 1)
    # Nor is a repeated acknowledgement counted twice.
    again = StreamEvent("AlarmAcknowledge", {"InstanceId": ours, "AckType": "Nack"})
    assert await running.acknowledgements.record(again) is None


async def test_acknowledgement_type_is_kept_when_given(running: Running, tmp_path: Path) -> None:
    instance = await running.deliver_alarm(3)
    event = StreamEvent("AlarmAcknowledge", {"InstanceId": instance, "AckType": "Nack"})

    acknowledged = await running.acknowledgements.record(event)

    assert acknowledged is not None and acknowledged.ack_type == "Nack"
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as db:
        assert db.execute("SELECT ack_type FROM alarms").fetchall() == [("Nack",)]
