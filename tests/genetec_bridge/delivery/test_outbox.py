"""The outbox: idempotent, ordered per camera, per-action completion that survives reopening."""

from genetec_bridge.delivery.outbox import Outbox
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
