"""Storage faults: a locked outbox is a health state that is retried, never a crash nor a lost or
repeated event; a corrupt outbox is moved aside at start; an outbox written before lanes is upgraded."""

import asyncio
import json
import logging
import sqlite3
from collections import Counter
from contextlib import closing

import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.lanes import Lane
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import crossing, intrusion, loitering
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, wait_until

ROUTING = AlertRouting(custom_event_id=5000, mode="live")
ACTIONS = [{"action": "custom_event", "custom_event_id": 5000, "custom_event_name": "x", "message": "m"}]


@pytest.mark.integration
@pytest.mark.timeout(120)
async def test_a_locked_outbox_holds_events_and_delivers_each_once_when_it_frees(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(path, busy_timeout_s=0.1)
    # Answers come 1 s after the work is done: the lock lands while requests are in flight.
    fake = FakeWebSdkProcess(record=tmp_path / "received.jsonl", extra_args=("--delay", "1.0"))
    await asyncio.to_thread(fake.start)
    events = [intrusion(i, camera) for i in range(2) for camera in CAMERA_GUIDS]
    try:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
            service = DeliveryService(client, outbox, retry_initial_s=0.1, retry_max_s=0.5, poll_s=0.1)
            delivery = asyncio.create_task(service.run())
            for event in events[:3]:
                assert await service.enqueue(event, ROUTING)
            await asyncio.to_thread(wait_until, lambda: len(fake.raised_custom_events()) == 3, 30, 0.02)
            # Another process holds the write lock, as a backup tool or a stuck writer would.
            with closing(sqlite3.connect(path, isolation_level=None)) as locker:
                locker.execute("BEGIN EXCLUSIVE")
                for event in events[3:]:
                    assert await service.enqueue(event, ROUTING)
                await asyncio.sleep(2.0)  # the answers arrive; their `done` cannot be written yet
                locked = service.status()
                metrics = render_metrics(lambda: BridgeStatus(delivery=service.status())).decode()
                assert not delivery.done(), "a storage fault must not stop delivery"
                locker.execute("ROLLBACK")
            await asyncio.to_thread(wait_until, lambda: service.status().delivered == len(events), 30)
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
        counts = Counter(json.loads(r["payload"])["id"] for r in fake.raised_custom_events())
    finally:
        await asyncio.to_thread(fake.stop)
    assert "locked" in (locked.storage_error or "") and locked.unstored == 3 and locked.pending == 6
    assert "genetec_bridge_outbox_storage_ok 0.0" in metrics
    assert counts == {event.id: 1 for event in events}, "nothing lost, nothing sent twice"
    status = service.status()
    assert (status.storage_error, status.unstored, status.pending) == (None, 0, 0)


@pytest.mark.parametrize("damage", ["not a database", "malformed pages"])
def test_a_corrupt_outbox_is_moved_aside_and_a_fresh_one_started(tmp_path, caplog, damage):
    path = tmp_path / "outbox.sqlite3"
    if damage == "not a database":
        path.write_bytes(b"this is not SQLite\n" * 100)
    else:
        outbox = Outbox(path)
        for i in range(200):
            outbox.add(loitering(i, CAMERA_GUIDS[0]), [ACTIONS[0] | {"message": "m" * 200}])
        outbox.close()
        with path.open("r+b") as file:
            file.seek(4096 * 3)
            file.write(b"\xde\xad\xbe\xef" * 2048)
    damaged = path.read_bytes()

    with caplog.at_level(logging.ERROR, logger="genetec_bridge.durable_sqlite"):
        outbox = Outbox(path)

    assert outbox.moved_aside is not None and outbox.moved_aside.read_bytes() == damaged
    assert outbox.moved_aside.name.startswith("outbox.sqlite3.corrupt-")
    [line] = caplog.messages
    assert "is corrupt" in line and outbox.moved_aside.name in line and "fresh outbox" in line
    assert outbox.add(loitering(1, CAMERA_GUIDS[0]), ACTIONS) and outbox.stats().pending == 1


def test_a_locked_outbox_at_start_is_not_taken_for_a_corrupt_one(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    Outbox(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as locker:
        locker.execute("PRAGMA journal_mode=DELETE")
        locker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            Outbox(path, busy_timeout_s=0.1)
    assert [p.name for p in tmp_path.iterdir()] == ["outbox.sqlite3"]


def test_an_outbox_from_before_lanes_is_upgraded_and_its_sending_mark_counts_as_in_doubt(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    old = loitering(1, CAMERA_GUIDS[0])
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,"
            " camera TEXT NOT NULL, event_json TEXT NOT NULL, actions_json TEXT NOT NULL,"
            " enqueued_at REAL NOT NULL, delivered_at REAL, rejected_at REAL, sending TEXT,"
            " attempts INTEGER NOT NULL DEFAULT 0, rejections INTEGER NOT NULL DEFAULT 0, last_error TEXT)"
        )
        db.execute(
            "INSERT INTO events (event_id, camera, event_json, actions_json, enqueued_at, sending)"
            " VALUES (?, ?, ?, ?, 0, 'custom_event')",
            (old.id, old.camera, old.to_json(), json.dumps(ACTIONS)),
        )
    outbox = Outbox(path)
    outbox.add(crossing(2, CAMERA_GUIDS[0]), ACTIONS)
    outbox.add(intrusion(3, CAMERA_GUIDS[0]), ACTIONS)
    first = outbox.next_pending(CAMERA_GUIDS[0])
    assert (first.event_id, first.sending, first.doubt, first.lane) == (old.id, "custom_event", 1, Lane.ALERT)
    outbox.mark_action_done(old.id, "custom_event")
    outbox.mark_delivered(old.id)
    # The intrusion, stored after the crossing, goes first: alerts before statistics.
    assert outbox.next_pending(CAMERA_GUIDS[0]).event_id == intrusion(3, CAMERA_GUIDS[0]).id


def test_doubt_counts_unanswered_copies_and_only_proof_of_no_effect_takes_one_back(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    event = intrusion(1, CAMERA_GUIDS[0])
    outbox.add(event, ACTIONS)
    outbox.mark_sending(event.id, "custom_event")
    outbox.mark_error(event.id, "refused", rejected=False)  # never arrived
    assert (outbox.next_pending(event.camera).sending, outbox.next_pending(event.camera).doubt) == (None, 0)
    outbox.mark_sending(event.id, "custom_event")
    outbox.mark_in_doubt(event.id, "no answer")
    outbox.mark_sending(event.id, "custom_event")
    outbox.mark_error(event.id, "refused", rejected=False)  # the re-send never arrived; the first may have
    pending = outbox.next_pending(event.camera)
    assert (pending.sending, pending.doubt) == ("custom_event", 1)
    outbox.park(event.id, "no answer twice")
    assert outbox.requeue_rejected([event.id]) == 1
    assert outbox.next_pending(event.camera).doubt == 0
