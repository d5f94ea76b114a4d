"""A red-light run's two bookmarks reach Security Center (the fake Web SDK over real sockets, delivered
by the `deliver` command as a separate process), also when the bridge stopped between the two."""

import json
from datetime import UTC, datetime

import pytest

from analytics.events import AnalyticsEvent, Evidence, Moment
from analytics.skills.base import AlertRouting
from genetec_bridge.delivery.alert_text import plan_actions
from genetec_bridge.delivery.outbox import Outbox
from tests.genetec_bridge.delivery.test_delivery_integration import start_deliver
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess

pytestmark = pytest.mark.integration

START = datetime(2026, 5, 4, 17, 30, 0, tzinfo=UTC)


def red_light_run(index: int) -> AnalyticsEvent:
    """A run straddling the line at `index` s, past it 0.5 s later, on camera `index`."""
    moments = [
        Moment(
            stage=stage,
            frame=10 * index + 1,
            time_s=index + delay,
            position=(0.5, 0.6),
            signal_state="red",
            into_red_s=2.0 + delay,
            signal_confidence=1.0,
        )
        for stage, delay in (("straddling", 0.0), ("past", 0.5))
    ]
    return AnalyticsEvent(
        id=f"red-light-{index}",
        kind="red_light",
        skill="red_light:Stop",
        phase="instant",
        camera=CAMERA_GUIDS[index],
        line="Stop",
        class_name="car",
        track_id=index,
        frame=10 * index + 1,
        time_s=float(index),
        timestamp=START.replace(second=index),
        evidence=Evidence(signal_state="red", moments=moments),
    )


@pytest.mark.timeout(120)
def test_both_bookmarks_are_added_once_also_after_a_stop_between_them(tmp_path) -> None:
    outbox_path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(outbox_path)
    routing = AlertRouting(custom_event_id=5000, mode="live")
    fresh, interrupted = red_light_run(1), red_light_run(2)
    for run in (fresh, interrupted):
        outbox.add(run, plan_actions(run, routing))
    # The bridge stopped after the custom event and the first bookmark of the second run.
    outbox.mark_action_done(interrupted.id, "custom_event")
    outbox.mark_action_done(interrupted.id, "bookmark")
    outbox.close()
    with FakeWebSdkProcess(record=tmp_path / "received.jsonl") as fake:
        deliver = start_deliver(fake, outbox_path, "--until-empty")
        output, _ = deliver.communicate(timeout=90)
        assert deliver.returncode == 0, output
        assert json.loads(output.strip().splitlines()[-1])["pending"] == 0
        added = [
            (r["bookmarks"][0]["camera"], r["bookmarks"][0]["time"], r["bookmarks"][0]["text"])
            for r in fake.received()
            if r.get("op") == "AddCameraBookmark" and r.get("status") == 200
        ]
    assert sorted(added) == [
        (
            CAMERA_GUIDS[1],
            "2026-05-04T17:30:01+00:00",
            "Red light car, line Stop - straddling the line, signal red, 2.0 s into red",
        ),
        (
            CAMERA_GUIDS[1],
            "2026-05-04T17:30:01.500000+00:00",
            "Red light car, line Stop - past the line, signal red, 2.5 s into red",
        ),
        (
            CAMERA_GUIDS[2],
            "2026-05-04T17:30:02.500000+00:00",
            "Red light car, line Stop - past the line, signal red, 2.5 s into red",
        ),
    ]
