"""The daemon's analyser sends each camera's detection tiles to the detector: one request holding
every tile of the batch's moving frames, a still frame none, and a reconfigured camera its new tiles
from its next frame."""

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.daemon.analyser import Analyser
from analytics.detection import Detector, ModelShapes, TierState
from analytics.link.link_messages import FrameReady, ReconfigureCamera, RingAttach
from analytics.link.shared_frames import FrameRing

TILED, WHOLE = "00000000-0000-4000-8000-00000000a001", "00000000-0000-4000-8000-00000000a002"
SHAPE = (48, 64, 3)


class RecordingBackend:
    """A batching tier that finds nothing and records how many images each request held."""

    tier = "triton"
    device = "triton"
    description = "recording test tier"
    batches = True
    parallel_frames = 1

    def __init__(self) -> None:
        self.requests: list[int] = []

    def shapes(self) -> ModelShapes:
        return ModelShapes("images", (None, 3, 64, 64), (None, 84, 85))

    def infer(self, blob: np.ndarray) -> np.ndarray:
        self.requests.append(len(blob))
        return np.zeros((len(blob), 84, 85), np.float32)

    def state(self) -> TierState:
        return TierState("triton", "test:1", available=True)

    def close(self) -> None:
        pass


def camera(camera_id: str, tiles: int) -> CameraConfig:
    return CameraConfig.model_validate({"id": camera_id, "detection": {"tiles": tiles}})


@pytest.fixture
def rings() -> Iterator[dict[str, FrameRing]]:
    rings = {camera_id: FrameRing(2, int(np.prod(SHAPE))) for camera_id in (TILED, WHOLE)}
    yield rings
    for ring in rings.values():
        ring.close()


def frames(rings: dict[str, FrameRing], frame: int, grey: int) -> list[FrameReady]:
    ready = []
    for camera_id, ring in rings.items():
        slot = ring.write(np.full(SHAPE, grey, np.uint8), frame)
        ready.append(
            FrameReady(
                camera=camera_id,
                slot=slot,
                shape=SHAPE,
                frame=frame,
                time_s=frame / 5,
                captured_at=datetime.now(UTC),
            )
        )
    return ready


def test_each_camera_s_tiles_go_to_the_detector_in_one_request(rings: dict[str, FrameRing]) -> None:
    backend = RecordingBackend()
    analyser = Analyser(Detector(backend))
    analyser.configure(AnalyticsSite(cameras=[camera(TILED, 2), camera(WHOLE, 1)]))
    for camera_id, ring in rings.items():
        analyser.attach(
            RingAttach(camera=camera_id, name=ring.name, slots=ring.slots, slot_bytes=ring.slot_bytes)
        )

    analysed = analyser.analyse(frames(rings, 1, 90)).analysed
    assert backend.requests == [2 * 2 + 1] and all(done.detected for done in analysed)

    still = analyser.analyse(frames(rings, 2, 90)).analysed  # nothing moved: the motion gate spares both
    assert backend.requests == [5] and not any(done.detected for done in still)

    analyser.reconfigure(ReconfigureCamera(camera_id=TILED, camera=camera(TILED, 3)))
    analyser.analyse(frames(rings, 3, 160))
    assert backend.requests == [5, 3 * 3 + 1]
    analyser.close()
