"""One deliverer per outbox: while the bridge delivers, `genetec-bridge deliver` sends nothing and says
who holds the outbox; while `deliver` holds it, the bridge waits, and takes over when it ends, even
killed. Security Center (the fake Web SDK, a real process) counts what it raised."""

import asyncio
import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.commands.deliver import CLAIMED
from genetec_bridge.delivery.alert_text import plan_actions
from genetec_bridge.delivery.outbox import DeliveryClaimed, Outbox
from genetec_bridge.delivery.service import BRIDGE_DELIVERER, DeliveryService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import intrusion
from tests.support.deliver_command import deliver_command, deliver_env
from tests.support.fake_websdk_process import CAMERA_GUIDS, REPO_ROOT, FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
ROUTING = AlertRouting(custom_event_id=5000, mode="live")
PENDING = 10
# Each answer comes this late: delivering the 10 events takes seconds, so two deliverers would overlap.
ANSWER_DELAY_S = 0.3


def outbox_with_pending(path: Path) -> tuple[Outbox, list[str]]:
    outbox = Outbox(path)
    events = [intrusion(i, CAMERA) for i in range(PENDING)]
    assert all(outbox.add(event, plan_actions(event, ROUTING)) for event in events)
    return outbox, [event.id for event in events]


def raised(fake: FakeWebSdkProcess) -> Counter[str]:
    return Counter(json.loads(record["payload"])["id"] for record in fake.raised_custom_events())


def bridge_delivery(client: WebSdkClient, outbox: Outbox) -> DeliveryService:
    return DeliveryService(client, outbox, max_events_per_minute_per_camera=100_000, poll_s=0.1)


def test_a_second_claim_is_refused_with_the_holder_until_the_first_is_closed(tmp_path):
    first, second = Outbox(tmp_path / "outbox.sqlite3"), Outbox(tmp_path / "outbox.sqlite3")
    try:
        first.claim_delivery("the bridge")
        first.claim_delivery("the bridge")  # already the deliverer: nothing changes
        with pytest.raises(DeliveryClaimed) as refused:
            second.claim_delivery("genetec-bridge deliver")
        assert f"the bridge (pid {os.getpid()}, since " in str(refused.value)
        first.close()
        second.claim_delivery("genetec-bridge deliver")
    finally:
        first.close()
        second.close()


@pytest.mark.timeout(180)
async def test_deliver_sends_nothing_while_the_bridge_delivers_and_names_it(tmp_path):
    outbox, ids = outbox_with_pending(tmp_path / "outbox.sqlite3")
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    try:
        await asyncio.to_thread(fake.set_failures, delay_s=ANSWER_DELAY_S)
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5.0) as client:
            service = bridge_delivery(client, outbox)
            delivery = asyncio.create_task(service.run())
            await asyncio.to_thread(wait_until, lambda: fake.raised_custom_events(), 30)
            second = await asyncio.to_thread(
                subprocess.run,
                deliver_command(fake, outbox.path, "--until-empty"),
                cwd=REPO_ROOT,
                env=deliver_env(fake),
                capture_output=True,
                text=True,
                timeout=120,
            )
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 60)
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
        counts = await asyncio.to_thread(raised, fake)
    finally:
        outbox.close()
        await asyncio.to_thread(fake.stop)

    assert second.returncode == CLAIMED, second.stdout + second.stderr
    assert f"{BRIDGE_DELIVERER} (pid {os.getpid()}" in second.stdout and "nothing sent" in second.stdout
    assert sorted(counts) == sorted(ids) and sum(counts.values()) == PENDING, "each event raised once"


@pytest.mark.timeout(180)
async def test_the_bridge_waits_while_deliver_delivers_and_takes_over_when_it_is_killed(tmp_path):
    outbox, ids = outbox_with_pending(tmp_path / "outbox.sqlite3")
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    first = None
    try:
        await asyncio.to_thread(fake.set_failures, delay_s=ANSWER_DELAY_S)
        first = subprocess.Popen(
            deliver_command(fake, outbox.path),
            cwd=REPO_ROOT,
            env=deliver_env(fake),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await asyncio.to_thread(wait_until, lambda: len(fake.raised_custom_events()) >= 2, 60)
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5.0) as client:
            service = bridge_delivery(client, outbox)
            delivery = asyncio.create_task(service.run())
            holder = f"genetec-bridge deliver (pid {first.pid}"
            await asyncio.to_thread(wait_until, lambda: holder in (service.status().last_error or ""), 30)
            # Killed with work in flight: the system releases its claim, the bridge takes over.
            first.kill()
            await asyncio.to_thread(first.wait, 30)
            await asyncio.to_thread(wait_until, lambda: service.status().pending == 0, 60)
            final = service.status()
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
        counts = await asyncio.to_thread(raised, fake)
    finally:
        if first is not None and first.poll() is None:
            first.kill()
            first.wait(30)
        outbox.close()
        await asyncio.to_thread(fake.stop)

    assert sorted(counts) == sorted(ids)
    # Only the request in flight at the kill may be raised twice, re-sent once and counted as such.
    assert service.possible_duplicates <= 1
    assert PENDING <= sum(counts.values()) <= PENDING + service.possible_duplicates
    assert final.last_error is None and final.delivered == PENDING
