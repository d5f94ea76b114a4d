"""A draft run over recorded tracks: the skills' events, timed by capture time even when the stream
clock restarted in between (a reader reconnection)."""

from datetime import UTC, datetime, timedelta

from analytics.draft_run import draft_events
from analytics.frame_tracks import FrameTracks, TrackedObject
from tests.support.synthetic_tracks import CAMERA_ID, camera

START = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def _frames(seconds: int, restart_at: int) -> list[FrameTracks]:
    """A person standing in the 'square' zone, 5 frames a second; the stream clock restarts at `restart_at`."""
    frames = []
    for n in range(seconds * 5):
        t = n / 5
        frames.append(
            FrameTracks(
                camera_id=CAMERA_ID,
                frame=n + 1,
                time_s=t if t < restart_at else t - restart_at,
                objects=(TrackedObject(4, "person", (0.48, 0.4, 0.52, 0.5), 0.9),),
                timestamp=START + timedelta(seconds=t),
            )
        )
    return frames


def test_a_draft_raises_once_per_dwell_whatever_the_stream_clock_did() -> None:
    draft = camera({"kind": "loitering", "zone": "square", "min_dwell_s": 20})
    events = draft_events(draft, {}, _frames(30, restart_at=10))
    assert [(e.kind, e.phase, e.track_id) for e in events] == [("loitering", "start", 4)]
    assert events[0].timestamp == START + timedelta(seconds=20)
