import numpy as np
import pytest

from analytics.link.shared_frames import FrameRing, RingReader


@pytest.fixture
def ring():
    ring = FrameRing(slots=3, slot_bytes=4 * 5 * 3)
    yield ring
    ring.close()


def _image(value: int) -> np.ndarray:
    return np.full((4, 5, 3), value, dtype=np.uint8)


def test_reader_gets_a_private_copy_of_the_written_frame(ring: FrameRing) -> None:
    reader = RingReader(ring.name, ring.slots, ring.slot_bytes)
    slot = ring.write(_image(7), frame=1)
    image = reader.read(slot, (4, 5, 3), frame=1)
    assert image is not None and (image == 7).all()
    ring.write(_image(9), frame=2)
    ring.write(_image(9), frame=3)
    ring.write(_image(9), frame=4)  # slot of frame 1 again
    assert (image == 7).all()
    reader.close()


def test_writer_overwrites_the_oldest_slot_and_the_reader_notices(ring: FrameRing) -> None:
    reader = RingReader(ring.name, ring.slots, ring.slot_bytes)
    slots = [ring.write(_image(n), frame=n) for n in range(1, 5)]
    assert slots == [0, 1, 2, 0]
    assert reader.read(0, (4, 5, 3), frame=1) is None
    assert (reader.read(0, (4, 5, 3), frame=4) == 4).all()
    reader.close()


def test_smaller_frames_fit_a_slot_and_larger_ones_do_not(ring: FrameRing) -> None:
    assert ring.fits(np.zeros((2, 5, 3), np.uint8))
    assert not ring.fits(np.zeros((5, 5, 3), np.uint8))
    reader = RingReader(ring.name, ring.slots, ring.slot_bytes)
    with pytest.raises(ValueError):
        reader.read(0, (5, 5, 3), frame=1)
    reader.close()


def test_closing_the_reader_leaves_the_bridges_segment_in_place(ring: FrameRing) -> None:
    RingReader(ring.name, ring.slots, ring.slot_bytes).close()
    again = RingReader(ring.name, ring.slots, ring.slot_bytes)
    again.close()
