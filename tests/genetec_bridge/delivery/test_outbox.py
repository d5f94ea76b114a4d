"""The outbox: idempotent, ordered per camera, per-action completion that survives reopening, retention."""

import logging
import sqlite3
from contextlib import closing

from genetec_bridge.delivery.outbox import Outbox, Pruned
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import loitering

CAM_A = "00000001-0000-babe-0000-00408ca1eb95"
CAM_B = "00000001-0000-babe-0000-00408ca1eb96"
ACTIONS = [
    {"action": "custom_event", "custom_event_id": 1, "custom_event_name": "x", "message": "m"},
    {"action": "bookmark", "time": "2024-01-01T00:00:00.000Z", "text": "m"},
]


def test_insert_is_idempotent_and_actionless_events_are_not_stored(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite3")
    assert outbox.add(loitering(1, CAM_A), ACTIONS)
    assert not outbox.add(loitering(1, CAM_A), ACTIONS)
    assert not outbox.add(loitering(2, CAM_A), [])
    assert outbox.stats().pending == 1 and outbox.stats().produced == 1


def test_a_frames_events_go_in_together_in_order_each_once(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite3")
    assert outbox.add(loitering(1, CAM_A), ACTIONS)
    planned = [(loitering(i, CAM_A), ACTIONS) for i in (2, 1, 3)] + [(loitering(4, CAM_A), [])]
    assert outbox.add_many(planned) == [True, False, True, False]  # 1 was there, 4 has no action
    order = []
    while (pending := outbox.next_pending(CAM_A)) is not None:
        order.append(pending.event_id[-1])
        outbox.mark_delivered(pending.event_id)
    assert order == ["1", "2", "3"]


def test_order_per_camera_and_resume_after_reopen(tmp_path):
    path = tmp_path / "o.sqlite3"
    outbox = Outbox(path)
    for i in range(3):
        outbox.add(loitering(i, CAM_A), ACTIONS)
    outbox.add(loitering(9, CAM_B), ACTIONS)
    first = outbox.next_pending(CAM_A)
    assert first.event_id.endswith("00000") and sorted(outbox.cameras_pending()) == [CAM_A, CAM_B]
    outbox.mark_sending(first.event_id, "custom_event")
    outbox.mark_action_done(first.event_id, "custom_event")
    outbox.mark_sending(first.event_id, "bookmark")
    outbox.close()  # a crash after sending the bookmark, before recording it

    reopened = Outbox(path)
    again = reopened.next_pending(CAM_A)
    assert again.event_id == first.event_id
    assert [a["action"] for a in again.remaining()] == ["bookmark"]
    assert again.sending == "bookmark"
    reopened.mark_action_done(again.event_id, "bookmark")
    reopened.mark_delivered(again.event_id)
    assert reopened.next_pending(CAM_A).event_id.endswith("00001")
    stats = reopened.stats()
    assert (stats.delivered, stats.pending) == (1, 3) and stats.oldest_pending_enqueued_at is not None


def test_parked_events_leave_the_queue_but_stay_visible(tmp_path):
    outbox = Outbox(tmp_path / "o.sqlite3")
    outbox.add(loitering(1, CAM_A), ACTIONS)
    event_id = outbox.next_pending(CAM_A).event_id
    assert outbox.mark_error(event_id, "Fail X", rejected=True) == 1
    outbox.park(event_id)
    assert outbox.next_pending(CAM_A) is None and outbox.stats().rejected == 1
    assert outbox.requeue_rejected() == 1 and outbox.next_pending(CAM_A).event_id == event_id


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


HOUR = 3600.0
ALARM = [{"action": "alarm", "alarm": "Intrusion"}]


def deliver(outbox: Outbox, event_id: str, alarm_instance: int | None = None) -> None:
    if alarm_instance is not None:
        outbox.mark_action_done(event_id, "alarm", alarm_instance)
    else:
        outbox.mark_action_done(event_id, "custom_event")
    outbox.mark_delivered(event_id)


def reject(outbox: Outbox, event_id: str) -> None:
    outbox.mark_error(event_id, "Fail X", rejected=True)
    outbox.park(event_id)


def test_prune_deletes_only_what_is_past_its_retention_and_the_totals_never_go_down(tmp_path):
    path = tmp_path / "o.sqlite3"
    clock = Clock()
    outbox = Outbox(path, clock=clock)
    events = [loitering(i, CAM_A) for i in range(5)]
    for event in events:
        outbox.add(event, ALARM)
    old_delivered, old_rejected, new_delivered, new_rejected, pending = (event.id for event in events)
    deliver(outbox, old_delivered, alarm_instance=11)
    outbox.acknowledge_alarm(11, "Ack")
    reject(outbox, old_rejected)
    clock.now += 30 * HOUR
    deliver(outbox, new_delivered, alarm_instance=12)
    reject(outbox, new_rejected)
    clock.now += 1 * HOUR
    before = (outbox.stats(), outbox.alarm_responses())

    pruned = outbox.prune(keep_delivered_s=24 * HOUR, keep_rejected_s=24 * HOUR)

    assert (pruned.delivered, pruned.rejected) == (1, 1)
    assert outbox.next_pending(CAM_A).event_id == pending and outbox.delivered_ids() == [new_delivered]
    assert outbox.acknowledge_alarm(11, "Ack") is None  # its row is gone, with the event
    assert outbox.acknowledge_alarm(12, "Ack") is not None
    outbox.close()
    reopened = Outbox(path, clock=clock)
    stats = reopened.stats()
    assert (stats.produced, stats.delivered, stats.pending, stats.rejected) == (5, 2, 1, 1)
    assert (before[0].produced, before[0].delivered, before[0].rejected) == (5, 2, 2)
    [alarms] = reopened.alarm_responses()
    [alarms_before] = before[1]
    assert (alarms.triggered, alarms.acknowledged) == (2, 2) and alarms_before.acknowledged == 1
    assert alarms.acknowledgement_delay_s_sum == alarms_before.acknowledgement_delay_s_sum + 1 * HOUR
    assert reopened.prune(24 * HOUR, 24 * HOUR) == Pruned(0, 0)
    with closing(sqlite3.connect(path)) as db:
        actions = db.execute("SELECT event_id FROM actions_done ORDER BY event_id").fetchall()
    assert actions == [(new_delivered,)]


def test_rejected_events_follow_their_own_retention_and_pending_ones_are_never_pruned(tmp_path):
    clock = Clock()
    outbox = Outbox(tmp_path / "o.sqlite3", clock=clock)
    outbox.add(loitering(1, CAM_A), ACTIONS)
    outbox.add(loitering(2, CAM_B), ACTIONS)
    reject(outbox, outbox.next_pending(CAM_A).event_id)
    clock.now += 100 * HOUR

    assert outbox.prune(keep_delivered_s=24 * HOUR, keep_rejected_s=168 * HOUR) == Pruned(0, 0)
    clock.now += 100 * HOUR
    assert outbox.prune(keep_delivered_s=24 * HOUR, keep_rejected_s=168 * HOUR) == Pruned(0, 1)

    stats = outbox.stats()
    assert (stats.produced, stats.delivered, stats.pending, stats.rejected) == (2, 0, 1, 0)
    assert outbox.cameras_pending() == [CAM_B]


async def test_the_delivery_service_prunes_the_outbox_when_it_starts(tmp_path, caplog):
    clock = Clock()
    outbox = Outbox(tmp_path / "o.sqlite3", clock=clock)
    outbox.add(loitering(1, CAM_A), ACTIONS)
    deliver(outbox, loitering(1, CAM_A).id)
    clock.now += 3 * HOUR
    # Nothing is pending, so the client is never called.
    client = WebSdkClient("http://127.0.0.1:9/WebSdk", "user", "password")
    service = DeliveryService(client, outbox, keep_delivered_h=2, keep_rejected_h=2)

    with caplog.at_level(logging.INFO):
        await service.run(until_empty=True)

    assert outbox.delivered_ids() == [] and outbox.stats().delivered == 1
    assert "outbox: pruned 1 delivered and 0 rejected events older than 2 h and 2 h" in caplog.text
