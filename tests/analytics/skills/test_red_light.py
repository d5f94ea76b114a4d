import cv2
import numpy as np

from analytics.frame_tracks import FrameTracks, SignalState
from analytics.skills.engine import SkillEngine
from analytics.skills.red_light import SignalConfig
from analytics.traffic_light.signal_reader import SignalReader, signal_readers
from tests.support.synthetic_tracks import camera, frames, path

REGION = [[0.85, 0.05], [0.95, 0.05], [0.95, 0.35], [0.85, 0.35]]
RED_LIGHT = {
    "kind": "red_light",
    "line": "gate",
    "classes": ["car"],
    "direction": "A->B",
    "signal": {"source": "video", "region": REGION, "hold_s": 0.4},
}
RED, GREEN = (0, 0, 255), (60, 255, 0)  # BGR of lit lamps


def paint_lamp(image: np.ndarray, colour: tuple[int, int, int] | None) -> np.ndarray:
    """A traffic light in the region: dark housing, one lit lamp (top red, bottom green) or none."""
    painted = image.copy()
    h, w = painted.shape[:2]
    x1, y1, x2, y2 = int(0.86 * w), int(0.06 * h), int(0.94 * w), int(0.34 * h)
    cv2.rectangle(painted, (x1, y1), (x2, y2), (30, 30, 30), -1)
    if colour is not None:
        cy = y1 + (y2 - y1) // 4 if colour == RED else y2 - (y2 - y1) // 4
        cv2.circle(painted, ((x1 + x2) // 2, cy), max(3, (x2 - x1) // 3), colour, -1)
    return painted


def video_frames(shared_asset, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(shared_asset("data/traffic/urban-320x240.avi")))
    images = []
    while len(images) < count:
        ok, image = capture.read()
        assert ok, "could not decode the traffic clip"
        images.append(image)
    capture.release()
    return images


def test_only_crossings_during_red_alert_on_real_frames(shared_asset):
    cam = camera(RED_LIGHT)
    reader = signal_readers(cam)["red_light:gate"]
    engine = SkillEngine(cam, {})
    fps = 5.0
    # Red for the first 4 s, green after; cars cross the gate at about 2 s, 6 s, and one B->A at 2.6 s.
    cars = (
        path(1, (0.3, 0.5), (0.7, 0.5), 0, 4, class_name="car", w=0.1, h=0.08)
        + path(2, (0.3, 0.6), (0.7, 0.6), 4, 8, class_name="car", w=0.1, h=0.08)
        + path(3, (0.7, 0.4), (0.3, 0.4), 0.6, 4.6, class_name="car", w=0.1, h=0.08)
    )
    synthetic = frames(cars, until=9, fps=fps)
    images = video_frames(shared_asset, len(synthetic))
    events, states = [], []
    for frame, image in zip(synthetic, images, strict=True):
        painted = paint_lamp(image, RED if frame.time_s < 4 else GREEN)
        state = reader.read(painted, frame.time_s)
        states.append(state)
        events += engine.process(
            FrameTracks(
                frame.camera_id, frame.frame, frame.time_s, frame.objects, signals={"red_light:gate": state}
            )
        )
    assert states[0] == SignalState.UNKNOWN and states[2] == SignalState.RED  # held 0.4 s before it counts
    assert states[-1] == SignalState.GREEN
    assert [(e.kind, e.track_id, e.evidence.direction, e.evidence.signal_state) for e in events] == [
        ("red_light", 1, "A->B", "red")
    ]


def test_reader_ignores_a_dark_light_and_a_one_frame_flash(shared_asset):
    image = video_frames(shared_asset, 1)[0]
    reader = SignalReader(SignalConfig(source="video", region=REGION, hold_s=0.4))
    assert reader.read(paint_lamp(image, None), 0.0) == SignalState.UNKNOWN
    for k in range(1, 5):
        reader.read(paint_lamp(image, GREEN), k * 0.2)
    assert reader.read(paint_lamp(image, GREEN), 1.0) == SignalState.GREEN
    assert reader.read(paint_lamp(image, RED), 1.2) == SignalState.GREEN  # one red frame: not yet
    assert reader.read(paint_lamp(image, GREEN), 1.4) == SignalState.GREEN
    assert reader.read(paint_lamp(image, RED), 1.6) == SignalState.GREEN
    assert reader.read(paint_lamp(image, RED), 2.1) == SignalState.RED  # red held 0.5 s


def test_readers_only_for_video_signals():
    cam = camera(RED_LIGHT, RED_LIGHT | {"name": "external", "signal": {"source": "external"}})
    assert list(signal_readers(cam)) == ["red_light:gate"]
