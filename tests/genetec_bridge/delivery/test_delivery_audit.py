"""Each alert delivered to Security Center leaves one entry in the audit trail."""

import asyncio

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.store_health import StoreHealth
from genetec_bridge.store_writer import LaterAudit, StoreWriter
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import loitering
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess

pytestmark = pytest.mark.integration


async def test_delivered_alerts_are_audited(tmp_path):
    trail = AuditTrail(tmp_path / "audit.jsonl")
    writer = StoreWriter("audit", StoreHealth())
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    routing = AlertRouting(custom_event_id=5000, bookmark=True, mode="live")
    events = [loitering(i, CAMERA_GUIDS[i % 2]) for i in range(3)]
    with FakeWebSdkProcess() as fake:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5.0) as client:
            service = DeliveryService(client, outbox, poll_s=0.1, audit=LaterAudit(trail, writer))
            for event in events:
                await service.enqueue(event, routing)
            await asyncio.wait_for(service.run(until_empty=True), 60)
            await writer.flush()
    entries = trail.entries()
    # Cameras are delivered in parallel: the order between them is not fixed.
    assert sorted((e.action, e.subject, e.details["event_id"]) for e in entries) == sorted(
        ("alert.delivered", event.camera, event.id) for event in events
    )
    assert all(e.details["actions"] == ["custom_event", "bookmark"] for e in entries)
    assert all(e.details["skill"] == "loitering:Parvis" for e in entries)
    assert len(entries) == len(events) and trail.verify() == []
    outbox.close()
