"""Each camera's recent tracks, as the daemon reported them: boxes, classes, track ids, signal states
and capture times; never pixels. The configuration box draws the newest frame (live view) and runs
draft configurations over them (replay).

Sized for 90 cameras at 5 fps, whoever looks:
- a frame is held packed in one bytes object (28 bytes, 30 an object, 3 a signal; boxes and scores
  as float32, a millionth of the frame), not as Python objects (about 2.9 kB with 10 objects);
- every camera keeps its last `recent_s` only (what the cameras page's rate needs);
- a camera keeps up to `keep_s` (an hour at most, within [retention] track_history_h) only while the box
  watches it: from a request for more than its recent frames until `watch_s` after the last one. A
  replay covers the time since the camera's live view or replay was opened;
- past `max_bytes` in all, the oldest frames of the camera holding the most go first.
Frames are decoded when read, so that a replay decodes them in its worker thread, not on the event loop.
"""

import struct
import sys
from bisect import bisect_left
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import overload

from analytics.frame_tracks import FrameTracks, SignalState, TrackedObject
from analytics.link.link_messages import FrameResult

KEEP_S = 3600.0
RECENT_S = 60.0
WATCH_S = 900.0
MAX_BYTES = 64 * 1024 * 1024

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HEADER = struct.Struct("<qqdHH")  # frame, capture time (µs since the epoch), time_s, objects, signals
_OBJECT = struct.Struct("<qH5f")  # track id, class (name index), box, score
_SIGNAL = struct.Struct("<HB")  # label (name index), state
_STATES = tuple(SignalState)
_SLOT = 8  # a deque's pointer to the frame
_FROM_FIRST_FRAME = -2  # watched before any frame came: the watch starts with the first one


class _Names:
    """Class names and signal labels as small numbers; append-only, so a reader thread sees every
    index it was given."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}

    def index(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self.names)
            self.names.append(name)
        return self._index[name]


def _captured_us(packed: bytes) -> int:
    return int(_HEADER.unpack_from(packed)[1])


def _pack(result: FrameResult, names: _Names) -> bytes:
    captured = (result.captured_at - _EPOCH) // timedelta(microseconds=1)
    parts = [_HEADER.pack(result.frame, captured, result.time_s, len(result.objects), len(result.signals))]
    parts += [_OBJECT.pack(o.track_id, names.index(o.class_name), *o.box, o.score) for o in result.objects]
    parts += [
        _SIGNAL.pack(names.index(label), _STATES.index(SignalState(state)))
        for label, state in result.signals.items()
    ]
    return b"".join(parts)


def _unpack(camera: str, packed: bytes, names: list[str]) -> FrameTracks:
    frame, captured, time_s, n_objects, n_signals = _HEADER.unpack_from(packed)
    objects = []
    for offset in range(_HEADER.size, _HEADER.size + n_objects * _OBJECT.size, _OBJECT.size):
        track_id, name, x1, y1, x2, y2, score = _OBJECT.unpack_from(packed, offset)
        objects.append(TrackedObject(track_id, names[name], (x1, y1, x2, y2), score))
    signals = {}
    start = _HEADER.size + n_objects * _OBJECT.size
    for offset in range(start, start + n_signals * _SIGNAL.size, _SIGNAL.size):
        label, state = _SIGNAL.unpack_from(packed, offset)
        signals[names[label]] = _STATES[state]
    timestamp = _EPOCH + timedelta(microseconds=captured)
    return FrameTracks(camera, frame, time_s, tuple(objects), timestamp, signals)


class Frames(Sequence[FrameTracks]):
    """A camera's frames as they were when asked for, oldest first, decoded when read."""

    def __init__(self, camera: str, packed: list[bytes], names: list[str]) -> None:
        self._camera = camera
        self._packed = packed
        self._names = names

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> FrameTracks: ...

    @overload
    def __getitem__(self, index: slice) -> "Frames": ...

    def __getitem__(self, index: int | slice) -> "FrameTracks | Frames":
        if isinstance(index, slice):
            return Frames(self._camera, self._packed[index], self._names)
        return _unpack(self._camera, self._packed[index], self._names)


@dataclass
class _Camera:
    frames: deque[bytes] = field(default_factory=deque)
    bytes: int = 0
    watched_until_us: int = -1


class TrackHistory:
    def __init__(
        self,
        keep_s: float = KEEP_S,
        max_bytes: int = MAX_BYTES,
        recent_s: float = RECENT_S,
        watch_s: float = WATCH_S,
    ) -> None:
        self._keep_us = round(keep_s * 1e6)
        self._recent_us = round(min(recent_s, keep_s) * 1e6)
        self._watch_us = round(watch_s * 1e6)
        self._max_bytes = max_bytes
        self._names = _Names()
        self._cameras: dict[str, _Camera] = {}
        self._bytes = 0
        self._now_us = 0  # the newest capture time seen: the watches' clock

    def add(self, result: FrameResult) -> None:
        packed = _pack(result, self._names)
        captured = _captured_us(packed)
        self._now_us = max(self._now_us, captured)
        camera = self._cameras.setdefault(result.camera, _Camera())
        if camera.watched_until_us == _FROM_FIRST_FRAME:
            camera.watched_until_us = captured + self._watch_us
        camera.frames.append(packed)
        self._grow(camera, sys.getsizeof(packed) + _SLOT)
        watched = camera.watched_until_us >= captured
        oldest = captured - (self._keep_us if watched else self._recent_us)
        while camera.frames and _captured_us(camera.frames[0]) < oldest:
            self._drop_oldest(camera)
        while self._bytes > self._max_bytes:
            self._drop_oldest(max(self._cameras.values(), key=lambda held: held.bytes))

    def frames(self, camera_id: str, within: timedelta | None = None) -> Frames:
        """The camera's frames of the last `within` (all it holds if None), oldest first. Asking for
        more than its recent frames makes the camera watched: it keeps up to `keep_s` from now on."""
        camera = self._cameras.setdefault(camera_id, _Camera())
        window_us = None if within is None else within // timedelta(microseconds=1)
        if window_us is None or window_us > self._recent_us:
            camera.watched_until_us = self._now_us + self._watch_us if self._now_us else _FROM_FIRST_FRAME
        packed = list(camera.frames)
        if window_us is not None and packed:
            oldest = _captured_us(packed[-1]) - window_us
            packed = packed[bisect_left(packed, oldest, key=_captured_us) :]
        return Frames(camera_id, packed, self._names.names)

    def forget(self, camera_id: str) -> None:
        camera = self._cameras.pop(camera_id, None)
        if camera is not None:
            self._bytes -= camera.bytes

    def _grow(self, camera: _Camera, size: int) -> None:
        camera.bytes += size
        self._bytes += size

    def _drop_oldest(self, camera: _Camera) -> None:
        self._grow(camera, -(sys.getsizeof(camera.frames.popleft()) + _SLOT))
