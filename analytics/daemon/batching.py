"""Frames waiting for the detector: the newest of each camera, never more.

A camera that sends frames faster than the detector keeps up has its older frame replaced by the
newer one and counted as dropped, so nothing queues without bound and the analysis works on the
present. Cameras are served in the order they started waiting, so a batch smaller than the number
of cameras still reaches every camera in turn. Several batches may be analysed at once, never two
frames of one camera: a camera in a batch under analysis is skipped until it is done.
"""

import asyncio
from collections import Counter

from analytics.link.link_messages import FrameReady


class PendingFrames:
    def __init__(self) -> None:
        self._pending: dict[str, FrameReady] = {}
        self._dropped: Counter[str] = Counter()
        self._arrived = asyncio.Event()

    def __len__(self) -> int:
        return len(self._pending)

    def waiting_for(self, cameras: set[str]) -> bool:
        """Whether a newer frame of one of `cameras` waits (read from the analysis thread: a dict
        membership test is atomic in CPython)."""
        return any(camera in self._pending for camera in cameras)

    def add(self, frame: FrameReady) -> None:
        if frame.camera in self._pending:
            self._dropped[frame.camera] += 1
        # Assigning an existing key keeps its place in the waiting order.
        self._pending[frame.camera] = frame
        self._arrived.set()

    def count_dropped(self, camera: str) -> None:
        """A frame lost after it was taken (overwritten in shared memory before it was read)."""
        self._dropped[camera] += 1

    def take_dropped(self, camera: str) -> int:
        return self._dropped.pop(camera, 0)

    def take(self, batch_size: int, busy: set[str] | frozenset[str] = frozenset()) -> list[FrameReady]:
        """Up to `batch_size` frames, one per camera not in `busy`, the longest-waiting cameras first.

        Empty when there is none: `wait` then returns once a frame arrives or `released` is called."""
        cameras = [camera for camera in self._pending if camera not in busy][:batch_size]
        batch = [self._pending.pop(camera) for camera in cameras]
        if not batch:
            self._arrived.clear()
        return batch

    def released(self) -> None:
        """Cameras left `busy`: their waiting frames may be taken."""
        self._arrived.set()

    async def wait(self) -> None:
        await self._arrived.wait()
