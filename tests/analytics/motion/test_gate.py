"""The motion gate: detect when something moves or a refresh is due, skip still frames."""

import math

import cv2
import numpy as np
import pytest

from analytics.config.motion import MotionConfig
from analytics.motion.gate import MotionGate
from analytics.privacy_masks import apply_privacy_masks

FPS = 5.0


def _street(seed: int = 0) -> np.ndarray:
    """A textured still scene with a little sensor noise, 640×360."""
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.integers(0, 255, (360, 640, 3), dtype=np.uint8), (31, 31), 0)
    return base


def _noisy(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(image.astype(np.int16) + rng.integers(-4, 5, image.shape), 0, 255).astype(np.uint8)


def _decisions(gate: MotionGate, images: list[np.ndarray]) -> list[bool]:
    return [gate.needs_detection(image, n / FPS) for n, image in enumerate(images)]


def test_a_still_scene_is_detected_only_at_each_refresh() -> None:
    rng = np.random.default_rng(1)
    street = _street()
    decisions = _decisions(MotionGate(MotionConfig(refresh_s=2.0)), [_noisy(street, rng) for _ in range(30)])
    assert [n for n, d in enumerate(decisions) if d] == [0, 10, 20]


def test_a_walking_person_is_detected_on_every_frame() -> None:
    rng = np.random.default_rng(2)
    street = _street()
    images = []
    for n in range(30):
        image = _noisy(street, rng)
        x = 100 + 8 * n  # 40 px/s across a 640 px frame: a pedestrian a few metres away
        cv2.rectangle(image, (x, 200), (x + 12, 236), (20, 20, 20), -1)
        images.append(image)
    assert all(_decisions(MotionGate(MotionConfig()), images))


def test_motion_behind_a_privacy_mask_does_not_count() -> None:
    rng = np.random.default_rng(3)
    street = _street()
    mask = [(0.0, 0.0), (0.3, 0.0), (0.3, 1.0), (0.0, 1.0)]
    images = []
    for n in range(10):
        image = _noisy(street, rng)
        cv2.rectangle(image, (20 + 10 * n, 100), (60 + 10 * n, 200), (255, 255, 255), -1)
        images.append(apply_privacy_masks(image, [mask]))
    assert _decisions(MotionGate(MotionConfig(refresh_s=60)), images) == [True] + [False] * 9


def test_a_disabled_gate_detects_every_frame() -> None:
    street = _street()
    assert all(_decisions(MotionGate(MotionConfig(enabled=False)), [street] * 10))


def test_a_clock_that_goes_back_means_a_detection() -> None:
    gate = MotionGate(MotionConfig(refresh_s=2.0))
    street = _street()
    assert gate.needs_detection(street, 100.0)
    assert not gate.needs_detection(street, 100.2)
    assert gate.needs_detection(street, 3.0)


@pytest.mark.parametrize("refresh_s", [0.5, 1.0, 3.0])
def test_refresh_follows_its_setting(refresh_s: float) -> None:
    street = _street()
    decisions = _decisions(MotionGate(MotionConfig(refresh_s=refresh_s)), [street] * 80)
    gaps = np.diff([n for n, d in enumerate(decisions) if d]) / FPS
    # The first frame at or after the refresh is due: 0.5 s at 5 fps is the third frame (0.6 s).
    first_due = math.ceil(refresh_s * FPS - 1e-9) / FPS
    assert len(gaps) >= 3 and gaps.tolist() == pytest.approx([first_due] * len(gaps))


def test_real_footage_with_people_walking_is_detected_nearly_always(shared_asset) -> None:
    capture = cv2.VideoCapture(str(shared_asset("data/pets09-s2l1/vtest.avi")))
    images = []
    while len(images) < 60:
        ok, image = capture.read()
        assert ok, "PETS clip ended early"
        images.append(image)
    capture.release()
    decisions = _decisions(MotionGate(MotionConfig(refresh_s=60)), images)
    assert sum(decisions) / len(decisions) > 0.9
