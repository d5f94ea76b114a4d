"""Delivery against the fake Web SDK subprocess over real sockets: a long outage, a SIGKILL of the
delivering process, and refused credentials. Exactly-once is checked on the fake's persisted record."""

import asyncio
import json
import logging
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.alert_text import plan_actions
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import loitering
from tests.support.deliver_command import deliver_command, deliver_env
from tests.support.fake_websdk_process import CAMERA_GUIDS, REPO_ROOT, FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration

OUTAGE_S = 60.0


def delivered_ids(fake: FakeWebSdkProcess) -> list[str]:
    """Event ids of the custom events the fake accepted, read from the payload (the event JSON)."""
    return [json.loads(record["payload"])["id"] for record in fake.raised_custom_events()]


def request_key(record: dict) -> tuple[str, str, str]:
    """(camera, operation, event): custom events name their event in the payload, bookmarks by time."""
    if record["op"] == "RaiseCustomEvent":
        return record["source"], "custom_event", json.loads(record["payload"])["id"]
    bookmark = record["bookmarks"][0]
    return bookmark["camera"], "bookmark", bookmark["time"]


def fast_service(client: WebSdkClient, outbox: Outbox, **overrides) -> DeliveryService:
    settings = {
        "max_events_per_minute_per_camera": 100_000,
        "retry_initial_s": 0.2,
        "retry_max_s": 2.0,
        "poll_s": 0.2,
    }
    return DeliveryService(client, outbox, **(settings | overrides))


@pytest.mark.timeout(240)
async def test_events_produced_during_a_60_s_outage_are_all_delivered_once(tmp_path):
    fake = FakeWebSdkProcess(record=tmp_path / "received.jsonl")
    await asyncio.to_thread(fake.start)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    # Custom event 5001 does not exist on the server: delivery must create it when refused.
    routing = AlertRouting(custom_event_id=5001, custom_event_name="Loitering", mode="live")
    async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
        await client.ping()
        await asyncio.to_thread(fake.stop)
        service = fast_service(client, outbox)
        delivery = asyncio.create_task(service.run())
        events = [loitering(i, CAMERA_GUIDS[i % 3]) for i in range(200)]
        for event in events:
            assert await service.enqueue(event, routing)
            await asyncio.sleep(0.02)
        await asyncio.sleep(OUTAGE_S - 200 * 0.02)
        status = service.status()
        assert (status.pending, status.delivered) == (200, 0)
        assert "unreachable" in (status.last_error or "")
        await asyncio.to_thread(fake.start)  # same port, same record file
        await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 120, 0.5)
        delivery.cancel()
        await asyncio.gather(delivery, return_exceptions=True)
    counts = Counter(delivered_ids(fake))
    await asyncio.to_thread(fake.stop)
    assert set(counts) == {event.id for event in events}
    assert max(counts.values()) == 1
    assert service.status().delivered == 200 and service.status().last_error is None


def start_deliver(fake: FakeWebSdkProcess, outbox: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        deliver_command(fake, outbox, *extra),
        cwd=REPO_ROOT,
        env=deliver_env(fake),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.timeout(240)
def test_sigkill_in_the_middle_of_delivery_loses_nothing(tmp_path):
    outbox_path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(outbox_path)
    routing = AlertRouting(custom_event_id=5000, bookmark=True, mode="live")
    events = [loitering(i, CAMERA_GUIDS[i % 3]) for i in range(150)]
    for event in events:
        outbox.add(event, plan_actions(event, routing))
    outbox.close()
    with FakeWebSdkProcess(record=tmp_path / "received.jsonl", extra_args=("--delay", "0.01")) as fake:
        first = start_deliver(fake, outbox_path)
        try:
            wait_until(lambda: len(fake.raised_custom_events()) >= 60, 90, 0.05)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        killed_at = len(fake.raised_custom_events())
        assert killed_at < 150, "the kill must land in the middle of delivery"
        second = start_deliver(fake, outbox_path, "--until-empty")
        output, _ = second.communicate(timeout=150)
        assert second.returncode == 0, output
        final_status = json.loads(output.strip().splitlines()[-1])
        assert (final_status["pending"], final_status["delivered"]) == (0, 150)
        records = [
            r
            for r in fake.received()
            if r.get("status") == 200 and r.get("op") in ("RaiseCustomEvent", "AddCameraBookmark")
        ]
        counts = Counter(delivered_ids(fake))
    assert set(counts) == {event.id for event in events}, "no event may be lost"
    # At-least-once with one request in flight per camera: at most one duplicated request per camera.
    requests = Counter(request_key(r) for r in records)
    duplicates = Counter(key[0] for key, n in requests.items() for _ in range(n - 1))
    assert all(n <= 1 for n in duplicates.values()), duplicates
    assert len({r["bookmarks"][0]["time"] for r in records if r["op"] == "AddCameraBookmark"}) == 150


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("wrong", "expected"),
    [
        ("password", "check the Security Center user name and password"),
        ("application_id", "check the application id"),
    ],
)
async def test_refused_credentials_stop_delivery_with_a_clear_message(tmp_path, caplog, wrong, expected):
    caplog.set_level(logging.ERROR, logger="genetec_bridge.delivery.service")
    fake = FakeWebSdkProcess(extra_args=("--wrong-password-status", "401"))
    await asyncio.to_thread(fake.start)
    password = "not-the-password" if wrong == "password" else fake.password
    application_id = "not-licensed" if wrong == "application_id" else fake.application_id
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    try:
        async with WebSdkClient(fake.base_url, fake.username, password, application_id) as client:
            service = fast_service(client, outbox, auth_retry_s=3600)
            delivery = asyncio.create_task(service.run())
            for i in range(6):
                await service.enqueue(
                    loitering(i, CAMERA_GUIDS[i % 3]), AlertRouting(custom_event_id=5000, mode="live")
                )
            await asyncio.to_thread(wait_until, lambda: service.status().last_error, 30)
            refused_so_far = len(await asyncio.to_thread(fake.received))
            await asyncio.sleep(3)  # a silent retry loop would send many more requests meanwhile
            refused_later = len(await asyncio.to_thread(fake.received))
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
    finally:
        await asyncio.to_thread(fake.stop)
    status = service.status()
    assert expected in (status.last_error or "") and "delivery stopped" in status.last_error
    assert fake.password not in status.last_error
    assert status.pending == 6 and status.delivered == 0
    # At most one request per camera worker before delivery stopped, and none after.
    assert refused_so_far <= 3 and refused_later == refused_so_far
    stopped = [r for r in caplog.records if "delivery stopped" in r.getMessage()]
    assert len(stopped) == 1 and fake.password not in stopped[0].getMessage()


@pytest.mark.timeout(120)
async def test_refusals_until_the_password_is_fixed_park_nothing_and_send_once(tmp_path):
    """A 401 did nothing in Security Center: refusals, however many, are not copies in doubt."""
    fake = FakeWebSdkProcess(record=tmp_path / "received.jsonl", extra_args=("--force-status", "401"))
    await asyncio.to_thread(fake.start)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    events = [loitering(i, CAMERA_GUIDS[0]) for i in range(3)]
    try:
        async with WebSdkClient(fake.base_url, fake.username, fake.password) as client:
            service = fast_service(client, outbox, auth_retry_s=0.3)
            delivery = asyncio.create_task(service.run())
            for event in events:
                await service.enqueue(event, AlertRouting(custom_event_id=5000, mode="live"))
            await asyncio.to_thread(wait_until, lambda: len(fake.received()) >= 4, 30)
            await asyncio.to_thread(fake.set_failures, force_status=None)
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 30)
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
        counts = Counter(delivered_ids(fake))
    finally:
        await asyncio.to_thread(fake.stop)
    assert counts == {event.id: 1 for event in events}
    assert (service.status().rejected, service.status().resent_in_doubt) == (0, 0)
