import numpy as np

from analytics.detection.letterbox import PAD_VALUE, Letterbox


def test_pets_frame_fits_by_width_and_pads_below() -> None:
    frame = np.full((576, 768, 3), 7, dtype=np.uint8)
    box = Letterbox.fit(frame.shape[:2], (416, 416))
    canvas = box.apply(frame, (416, 416))
    assert box.scale == 416 / 768
    assert canvas.shape == (416, 416, 3)
    assert (canvas[:312] == 7).all()
    assert (canvas[312:] == PAD_VALUE).all()


def test_round_trip_of_boxes() -> None:
    box = Letterbox.fit((576, 768), (416, 416))
    frame_boxes = np.array([[10.0, 20.0, 300.0, 400.0], [700.0, 500.0, 768.0, 576.0]])
    np.testing.assert_allclose(box.undo(frame_boxes * box.scale, (576, 768)), frame_boxes, rtol=1e-6)


def test_undo_clips_to_the_frame() -> None:
    box = Letterbox(scale=0.5)
    clipped = box.undo(np.array([[-4.0, -2.0, 500.0, 300.0]]), (576, 768))
    np.testing.assert_allclose(clipped, [[0.0, 0.0, 768.0, 576.0]])
