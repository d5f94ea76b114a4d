"""The analyser when its inference tier fails: it retries the batch while told to keep trying, and
gives the frames up (as lost) once a newer frame waits; each failed try is reported."""

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.daemon.analyser import Analyser
from analytics.detection import Detector, InferenceUnavailable, ModelShapes, TierState
from analytics.link.link_messages import FrameReady, RingAttach
from analytics.link.shared_frames import FrameRing

CAMERA = "00000000-0000-4000-8000-00000000a001"


class FlakyBackend:
    """Fails `failures` times, then answers with rows that hold no detection."""

    tier = "triton"
    device = "triton"
    description = "flaky test tier"
    batches = True
    parallel_frames = 1

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def shapes(self) -> ModelShapes:
        return ModelShapes("images", (None, 3, 64, 64), (None, 84, 85))

    def infer(self, blob: np.ndarray) -> np.ndarray:
        self.calls += 1
        if self.calls <= self.failures:
            raise InferenceUnavailable("Triton at test:1: unreachable")
        return np.zeros((len(blob), 84, 85), np.float32)

    def state(self) -> TierState:
        return TierState("triton", "test:1", available=self.calls > self.failures)

    def close(self) -> None:
        pass


@pytest.fixture
def ring() -> Iterator[FrameRing]:
    ring = FrameRing(2, 48 * 64 * 3)
    yield ring
    ring.close()


def analyser_with(backend: FlakyBackend, ring: FrameRing) -> tuple[Analyser, FrameReady]:
    analyser = Analyser(Detector(backend), retry_max_s=0.01)
    analyser.configure(AnalyticsSite(cameras=[CameraConfig(id=CAMERA)]))
    analyser.attach(RingAttach(camera=CAMERA, name=ring.name, slots=ring.slots, slot_bytes=ring.slot_bytes))
    image = np.full((48, 64, 3), 90, np.uint8)
    slot = ring.write(image, 1)
    return analyser, FrameReady(
        camera=CAMERA, slot=slot, shape=image.shape, frame=1, time_s=0.0, captured_at=datetime.now(UTC)
    )


def test_the_batch_is_retried_until_the_tier_answers(ring: FrameRing) -> None:
    backend = FlakyBackend(failures=3)
    analyser, frame = analyser_with(backend, ring)
    reported: list[str] = []
    outcome = analyser.analyse([frame], lambda: True, lambda error: reported.append(str(error)))
    assert [done.frame.frame for done in outcome.analysed] == [1] and outcome.lost == []
    assert backend.calls == 4 and len(reported) == 3 and "unreachable" in reported[0]
    analyser.close()


def test_the_batch_is_given_up_when_a_newer_frame_waits(ring: FrameRing) -> None:
    backend = FlakyBackend(failures=10)
    analyser, frame = analyser_with(backend, ring)
    reported: list[str] = []
    outcome = analyser.analyse([frame], lambda: False, lambda error: reported.append(str(error)))
    assert outcome.analysed == [] and outcome.lost == [frame]
    assert backend.calls == 1 and len(reported) == 1
    analyser.close()


def test_each_frame_is_handed_on_as_soon_as_it_is_analysed(ring: FrameRing) -> None:
    backend = FlakyBackend(failures=0)
    analyser, frame = analyser_with(backend, ring)
    handed: list[int] = []
    outcome = analyser.analyse([frame], on_analysed=lambda done: handed.append(done.frame.frame))
    assert handed == [done.frame.frame for done in outcome.analysed] == [1]
    assert "detection" in outcome.analysed[-1].stage_cpu_s, "the batch's stage times go with its last frame"
    analyser.close()
