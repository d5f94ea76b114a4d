"""One batch at a time: frames out of shared memory, the detector, each camera's pipeline.

The detector's frames run on threads of their own (on the CPU) while this thread tracks the frames
already detected, so tracking and skills overlap the next frames' inference. A camera with detection
tiles sends each moving frame's tiles with the batch (analytics.detection.tiling); its still frames,
spared by the motion gate, send none.

When the inference tier does not answer (a Triton server unreachable, restarting or too slow), the
batch is retried with capped back-off as long as no newer frame of its cameras is waiting; once one
is, the batch's frames are dropped (counted) and the newer ones analysed. Nothing queues beyond one
batch and one pending frame per camera.
"""

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
import supervision as sv

from analytics.backoff import Backoff
from analytics.camera_pipeline import CameraPipeline
from analytics.config.camera import AnalyticsSite
from analytics.detection import Detector, InferenceUnavailable
from analytics.detection.tiling import Tiling
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks
from analytics.link.link_messages import FrameReady, ReconfigureCamera, RingAttach
from analytics.link.shared_frames import RingReader
from analytics.stage_clock import StageClock

log = logging.getLogger(__name__)

# Called from the analysis thread while the tier fails: True to retry the batch, False to drop it.
KeepTrying = Callable[[], bool]
# Called from the analysis thread after each failed request, with the error (e.g. to report it).
OnFailure = Callable[[InferenceUnavailable], None]


@dataclass(frozen=True, slots=True)
class Analysed:
    frame: FrameReady
    tracks: FrameTracks
    events: list[AnalyticsEvent]
    detected: bool
    stage_cpu_s: dict[str, float]
    inference_s: float  # from the batch's start until its detections up to this frame were in

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(o.class_name for o in self.tracks.objects))


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    analysed: list[Analysed]
    lost: list[FrameReady]  # overwritten by the bridge before they could be read
    inference_s: float


class Analyser:
    """The daemon's state: the detector, one pipeline (tracker + skills) and one ring per camera."""

    def __init__(self, detector: Detector, retry_max_s: float = 5.0) -> None:
        self._detector = detector
        self._backoff = Backoff(initial_s=min(0.25, retry_max_s), max_s=retry_max_s)
        self._clock = StageClock()
        self._pipelines: dict[str, CameraPipeline] = {}
        self._rings: dict[str, RingReader] = {}

    def configure(self, site: AnalyticsSite) -> None:
        """Start afresh for these cameras: the bridge sends its configuration at every connection."""
        self._pipelines = {
            camera.id: CameraPipeline(camera, site.schedules, self._clock) for camera in site.cameras
        }

    def reconfigure(self, change: ReconfigureCamera) -> None:
        """One camera changed, appeared or went; the other cameras' pipelines are left as they are."""
        pipeline = self._pipelines.get(change.camera_id)
        if change.camera is None:
            self._pipelines.pop(change.camera_id, None)
            ring = self._rings.pop(change.camera_id, None)
            if ring is not None:
                ring.close()
        elif pipeline is None:
            self._pipelines[change.camera_id] = CameraPipeline(change.camera, change.schedules, self._clock)
        else:
            pipeline.reconfigure(change.camera, change.schedules)

    def attach(self, ring: RingAttach) -> None:
        previous = self._rings.pop(ring.camera, None)
        if previous is not None:
            previous.close()
        self._rings[ring.camera] = RingReader(ring.name, ring.slots, ring.slot_bytes)

    def pipeline(self, camera: str) -> CameraPipeline | None:
        return self._pipelines.get(camera)

    def ready_for(self, camera: str) -> bool:
        return camera in self._pipelines and camera in self._rings

    def analyse(
        self,
        batch: list[FrameReady],
        keep_trying: KeepTrying = lambda: False,
        on_failure: OnFailure = lambda _error: None,
        on_analysed: Callable[[Analysed], None] = lambda _done: None,
    ) -> BatchOutcome:
        """Every frame of `batch` must come from a camera `ready_for` analysis, one frame per camera.

        `on_analysed` gets each frame as soon as it is analysed (from this thread), so its events
        need not wait for the rest of the batch."""
        frames, images, lost = [], [], []
        with self._clock.measure("transport"):
            for frame in batch:
                image = self._rings[frame.camera].read(frame.slot, frame.shape, frame.frame)
                if image is None:
                    lost.append(frame)
                else:
                    frames.append(frame)
                    images.append(image)
        if not images:
            return BatchOutcome([], lost, 0.0)
        moving = [
            self._pipelines[frame.camera].needs_detection(image, frame.time_s)
            for frame, image in zip(frames, images, strict=True)
        ]
        started = time.perf_counter()
        to_detect = [(f, i) for f, i, m in zip(frames, images, moving, strict=True) if m]
        detections = self._detect(
            [image for _, image in to_detect],
            [self._pipelines[frame.camera].tiling for frame, _ in to_detect],
            keep_trying,
            on_failure,
        )
        if detections is None:
            self._clock.take()  # the time spent waiting on the tier is no analysis stage
            self._detector.clock.take()
            return BatchOutcome([], [*lost, *frames], time.perf_counter() - started)
        found = iter(detections)
        analysed: list[Analysed] = []
        inferred = time.perf_counter()
        for frame, image, detected in zip(frames, images, moving, strict=True):
            frame_detections = None
            if detected:
                frame_detections = next(found).result()
                inferred = time.perf_counter()
            tracks, events = self._pipelines[frame.camera].process(
                frame_detections, image, frame.frame, frame.time_s, frame.captured_at
            )
            done = Analysed(frame, tracks, events, detected, {}, inferred - started)
            if len(analysed) == len(frames) - 1:
                # The stage times go with a batch's last frame: summed over results they are exact.
                done.stage_cpu_s.update({**self._clock.take(), **self._detector.clock.take()})
            analysed.append(done)
            on_analysed(done)
        return BatchOutcome(analysed, lost, inferred - started)

    def _detect(
        self,
        images: Sequence[np.ndarray],
        tilings: Sequence[Tiling],
        keep_trying: KeepTrying,
        on_failure: OnFailure,
    ) -> list["Future[sv.Detections]"] | None:
        """The detections, or None when the tier failed and the batch was given up."""
        while True:
            try:
                found = self._detector.submit(images, tilings)
            except InferenceUnavailable as error:
                on_failure(error)
                if not keep_trying():
                    return None
                delay = self._backoff.next_delay()
                log.warning("%s; retrying the batch in %.1f s", error, delay)
                time.sleep(delay)
                continue
            self._backoff.reset()
            return found

    def close(self) -> None:
        for ring in self._rings.values():
            ring.close()
        self._rings.clear()
        self._detector.close()
