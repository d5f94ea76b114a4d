"""The last hour of each camera's tracks, as the daemon reported them: boxes, classes, track ids,
signal states and capture times; never pixels. The configuration box draws the newest frame (live
view) and runs draft configurations over the whole of it (replay)."""

from collections import deque
from datetime import timedelta

from analytics.frame_tracks import FrameTracks, SignalState, TrackedObject
from analytics.link.link_messages import FrameResult

KEEP_S = 3600.0


class TrackHistory:
    def __init__(self, keep_s: float = KEEP_S) -> None:
        self._keep = timedelta(seconds=keep_s)
        self._frames: dict[str, deque[FrameTracks]] = {}

    def add(self, result: FrameResult) -> None:
        frames = self._frames.setdefault(result.camera, deque())
        frames.append(
            FrameTracks(
                camera_id=result.camera,
                frame=result.frame,
                time_s=result.time_s,
                objects=tuple(
                    TrackedObject(o.track_id, o.class_name, o.box, o.score) for o in result.objects
                ),
                timestamp=result.captured_at,
                signals={label: SignalState(state) for label, state in result.signals.items()},
            )
        )
        oldest = result.captured_at - self._keep
        while frames and frames[0].timestamp is not None and frames[0].timestamp < oldest:
            frames.popleft()

    def frames(self, camera: str) -> list[FrameTracks]:
        """The camera's frames, oldest first."""
        return list(self._frames.get(camera, ()))

    def forget(self, camera: str) -> None:
        self._frames.pop(camera, None)
