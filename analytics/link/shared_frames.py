"""A ring of frame slots per camera in shared memory: the bridge writes, the daemon reads.

Each slot starts with an 8-byte header holding the frame number it contains (0 while being
written). The writer always overwrites the oldest slot, so a daemon that falls behind never makes
the bridge queue frames; the reader checks the header before and after copying and reports a frame
that was overwritten meanwhile as gone (the daemon counts it as dropped).
"""

import mmap
import os
import secrets
from multiprocessing import shared_memory

import numpy as np

HEADER_BYTES = 8


def _slot_views(buffer: memoryview, slots: int, slot_bytes: int) -> list[tuple[np.ndarray, np.ndarray]]:
    stride = HEADER_BYTES + slot_bytes
    views = []
    for index in range(slots):
        header = np.ndarray((1,), dtype=np.uint64, buffer=buffer, offset=index * stride)
        pixels = np.ndarray(
            (slot_bytes,), dtype=np.uint8, buffer=buffer, offset=index * stride + HEADER_BYTES
        )
        views.append((header, pixels))
    return views


class FrameRing:
    """The bridge's writer for one camera. Not thread-safe: one reader thread per camera writes it."""

    def __init__(self, slots: int, slot_bytes: int) -> None:
        self.slots = slots
        self.slot_bytes = slot_bytes
        # Segments are created mode 0600 by the standard library; the random name avoids collisions
        # between bridges and makes the segment hard to guess.
        self._memory = shared_memory.SharedMemory(
            name=f"gb-{secrets.token_hex(8)}", create=True, size=slots * (HEADER_BYTES + slot_bytes)
        )
        # typeshed: `buf` is None once the segment is closed; it was just created.
        self._views = _slot_views(self._memory.buf, slots, slot_bytes)  # type: ignore[arg-type]
        self._next = 0

    @property
    def name(self) -> str:
        return self._memory.name

    def fits(self, image: np.ndarray) -> bool:
        return image.nbytes <= self.slot_bytes

    def write(self, image: np.ndarray, frame: int) -> int:
        """Copy `image` (uint8) into the oldest slot, marked with `frame` (≥ 1); returns the slot index."""
        slot = self._next
        self._next = (slot + 1) % self.slots
        header, pixels = self._views[slot]
        header[0] = 0
        pixels[: image.nbytes] = np.ascontiguousarray(image).reshape(-1)
        header[0] = frame
        return slot

    def close(self) -> None:
        """Release and remove the segment (the bridge owns it)."""
        self._views.clear()
        self._memory.close()
        self._memory.unlink()


class RingReader:
    """The daemon's view of a camera's ring, attached by name."""

    def __init__(self, name: str, slots: int, slot_bytes: int) -> None:
        # Mapped directly rather than through SharedMemory, whose resource tracker would unlink the
        # bridge's segment when the daemon exits. Read-only: the daemon cannot corrupt a frame.
        descriptor = os.open(f"/dev/shm/{name.lstrip('/')}", os.O_RDONLY)
        try:
            self._memory = mmap.mmap(descriptor, slots * (HEADER_BYTES + slot_bytes), prot=mmap.PROT_READ)
        finally:
            os.close(descriptor)
        self.name = name
        self.slots = slots
        self.slot_bytes = slot_bytes
        self._views = _slot_views(memoryview(self._memory), slots, slot_bytes)

    def read(self, slot: int, shape: tuple[int, int, int], frame: int) -> np.ndarray | None:
        """A private copy of the frame in `slot`, or None when the bridge has overwritten it."""
        if not 0 <= slot < self.slots or int(np.prod(shape)) > self.slot_bytes:
            raise ValueError(f"slot {slot} with shape {shape} is outside ring {self.name}")
        header, pixels = self._views[slot]
        if int(header[0]) != frame:
            return None
        image = pixels[: int(np.prod(shape))].reshape(shape).copy()
        return image if int(header[0]) == frame else None

    def close(self) -> None:
        self._views.clear()
        self._memory.close()
