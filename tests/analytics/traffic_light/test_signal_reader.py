"""The lamp reader on real frames of the Hanoi junction (11-pixel lamps, a countdown above the head,
a blue cast late in the afternoon) and on the same frames made darker, glared or drawn off by two
pixels: it may fall back to unknown, it never reads the wrong colour."""

import cv2
import numpy as np
import pytest

from analytics.config.loader import load_analytics_site
from analytics.frame_tracks import SignalState
from analytics.skills.red_light import RedLightConfig, SignalConfig
from analytics.traffic_light.signal_reader import SignalReader
from tests.support.redlight_run import CONFIG, VIDEO

# 0-based frame → state, from the footage README's phases (green 0–6, no lamp 7–24, red from 25).
FRAMES = {3: SignalState.GREEN, 15: SignalState.UNKNOWN, 100: SignalState.RED, 300: SignalState.RED}
HOUSING = (617, 172, 635, 223)  # pixels, from the README
AMBER_LAMP = (621, 192, 632, 203)


@pytest.fixture(scope="module")
def images(shared_asset) -> dict[int, np.ndarray]:
    capture = cv2.VideoCapture(str(shared_asset(VIDEO)))
    found, index = {}, 0
    while len(found) < len(FRAMES):
        ok, image = capture.read()
        assert ok, f"could not decode frame {index} of {VIDEO}"
        if index in FRAMES:
            found[index] = image
        index += 1
    capture.release()
    return found


def configured_signal() -> SignalConfig:
    skill = load_analytics_site(CONFIG).cameras[0].skills[0]
    assert isinstance(skill, RedLightConfig)
    return skill.signal


def region(x1: int, y1: int, x2: int, y2: int) -> list[list[float]]:
    return [[x1 / 639, y1 / 479], [x2 / 639, y1 / 479], [x2 / 639, y2 / 479], [x1 / 639, y2 / 479]]


def test_each_state_is_read_on_real_frames(images) -> None:
    reader = SignalReader(configured_signal())
    assert {index: reader.lamp_state(image) for index, image in images.items()} == FRAMES


@pytest.mark.parametrize("offset", [(-2, -2, -2, -2), (2, 2, 2, 2), (-2, 2, 2, -2), (2, -2, -2, 2)])
def test_a_region_drawn_two_pixels_off_reads_the_same(images, offset) -> None:
    box = [v + d for v, d in zip(HOUSING, offset, strict=True)]
    reader = SignalReader(configured_signal().model_copy(update={"region": region(*box)}))
    assert {index: reader.lamp_state(image) for index, image in images.items()} == FRAMES


def dusk(image: np.ndarray) -> np.ndarray:
    """Darker mid-tones and shadows (gamma 2.2): the housing sinks, the lamps keep more of their light."""
    return (255 * (image / 255.0) ** 2.2).astype(np.uint8)


def glare(strength: float):
    def apply(image: np.ndarray) -> np.ndarray:
        lit = image.astype(float)
        lit[140:240, 590:640] = lit[140:240, 590:640] * (1 - strength) + 255 * strength
        return lit.astype(np.uint8)

    return apply


@pytest.mark.parametrize("condition", [dusk, glare(0.6)], ids=["dusk", "glare"])
def test_dusk_and_glare_keep_the_state(images, condition) -> None:
    reader = SignalReader(configured_signal())
    assert {index: reader.lamp_state(condition(image)) for index, image in images.items()} == FRAMES


def test_a_washed_out_head_is_unknown_never_a_colour(images) -> None:
    reader = SignalReader(configured_signal())
    assert {reader.lamp_state(glare(0.9)(image)) for image in images.values()} == {SignalState.UNKNOWN}


def test_a_lit_amber_or_two_lit_lamps_are_unknown(images) -> None:
    reader = SignalReader(configured_signal())
    amber = images[15].copy()
    x1, y1, x2, y2 = AMBER_LAMP
    cv2.circle(amber, ((x1 + x2) // 2, (y1 + y2) // 2), 5, (0, 170, 255), -1)  # BGR amber
    assert reader.lit_lamps(amber) == ["amber"]
    assert reader.lamp_state(amber) == SignalState.UNKNOWN
    both = images[100].copy()
    both[208:220, 621:633] = images[3][208:220, 621:633]  # the green lamp of frame 3 pasted in
    assert reader.lit_lamps(both) == ["red", "green"]
    assert reader.lamp_state(both) == SignalState.UNKNOWN


def test_a_horizontal_head_is_read_left_to_right() -> None:
    image = np.full((120, 160, 3), 40, np.uint8)
    cv2.rectangle(image, (40, 50), (118, 72), (25, 25, 25), -1)
    cv2.circle(image, (105, 61), 8, (200, 255, 40), -1)  # a cyan-green LED in the right third
    config = SignalConfig(region=[[0.25, 0.42], [0.74, 0.42], [0.74, 0.6], [0.25, 0.6]])
    assert SignalReader(config).lamp_state(image) == SignalState.GREEN
    flipped = config.model_copy(update={"lamps": ["green", "amber", "red"]})
    assert SignalReader(flipped).lamp_state(image) == SignalState.UNKNOWN  # green light in the red cell


def test_the_confidence_is_the_share_of_the_last_second_that_agrees_with_the_reported_state(images) -> None:
    reader = SignalReader(configured_signal())  # hold 0.3 s
    red, green = images[100], images[3]
    reads = [(reader.read(red, k * 0.25), reader.confidence) for k in range(4)]
    assert reads[-1] == (SignalState.RED, 1.0)
    assert (reader.read(green, 1.1), reader.confidence) == (SignalState.RED, 0.75)  # 3 of 4 reads red
    reader.read(green, 1.3)
    # Green once held: the reads of 0.5 and 0.75 s (red) are still within the second, 1.1-1.45 s green.
    assert (reader.read(green, 1.45), reader.confidence) == (SignalState.GREEN, 0.6)
