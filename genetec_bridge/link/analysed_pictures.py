"""The picture of each watched camera's newest analysed frame, for the box's live view: the frame and
the boxes the daemon found in it are shown together, never boxes over another moment's picture.

Pixels are held only for cameras the live view watches (from its request until `watch_s` after the
last one), and only the frames the daemon has not answered yet (at most `held` of them) plus the newest
answered one. They are held by reference: a reader makes a new image for every frame, nothing is copied;
at most `held` + 1 frames a watched camera (about 25 MB at the readers' 960x540), none once it is
removed (`forget`) or no longer watched.
Readers offer frames from their threads; results are noted on the event loop; one lock guards both.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from genetec_bridge.ingest.captured_frame import CapturedFrame

WATCH_S = 30.0
# Frames in flight to the daemon at 15 fps for about a second: more than a healthy daemon lags.
HELD_FRAMES = 16


@dataclass(frozen=True, slots=True)
class AnalysedPicture:
    frame: int
    captured_at: datetime
    image: np.ndarray


@dataclass
class _Watched:
    until: float
    waiting: deque[CapturedFrame]
    analysed: AnalysedPicture | None = None


class AnalysedPictures:
    def __init__(
        self, watch_s: float = WATCH_S, held: int = HELD_FRAMES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._watch_s = watch_s
        self._held = held
        self._clock = clock
        self._lock = threading.Lock()
        self._cameras: dict[str, _Watched] = {}

    def watch(self, camera_id: str) -> AnalysedPicture | None:
        """Keep the camera's pictures for `watch_s` from now; its newest analysed one so far."""
        with self._lock:
            until = self._clock() + self._watch_s
            watched = self._cameras.setdefault(camera_id, _Watched(until, deque(maxlen=self._held)))
            watched.until = until
            return watched.analysed

    def offer(self, captured: CapturedFrame) -> None:
        """A frame on its way to the daemon (a reader's thread): held while its camera is watched."""
        with self._lock:
            watched = self._cameras.get(captured.camera_id)
            if watched is None:
                return
            if watched.until < self._clock():
                del self._cameras[captured.camera_id]  # nobody looks any more: its pixels go
                return
            watched.waiting.append(captured)

    def analysed(self, camera_id: str, frame: int, captured_at: datetime) -> None:
        """The daemon answered this frame: its picture becomes the camera's newest analysed one."""
        with self._lock:
            watched = self._cameras.get(camera_id)
            if watched is None:
                return
            while watched.waiting:
                captured = watched.waiting.popleft()
                if captured.frame == frame and captured.captured_at == captured_at:
                    watched.analysed = AnalysedPicture(frame, captured_at, captured.image)
                    return
                if captured.captured_at > captured_at:
                    watched.waiting.appendleft(captured)  # a later frame, still in flight
                    return

    def forget(self, camera_id: str) -> None:
        """The camera is no longer analysed: its pictures go."""
        with self._lock:
            self._cameras.pop(camera_id, None)
