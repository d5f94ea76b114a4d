"""One camera's analysis around detection: the motion gate, tracker, signal readers and skills.

The daemon and `analytics run` both feed it, so what is measured offline is what runs live.
"""

from collections.abc import Mapping
from datetime import datetime

import numpy as np
import supervision as sv

from analytics.config.camera import CameraConfig
from analytics.config.schedule import Schedule
from analytics.detection.columns import class_ids, confidences, tracker_ids
from analytics.detection.tiling import Tiling
from analytics.events import AnalyticsEvent
from analytics.frame_tracks import CLASS_NAMES, FrameTracks, TrackedObject
from analytics.motion.gate import MotionGate
from analytics.skills.engine import SkillEngine
from analytics.stage_clock import StageClock
from analytics.tracking import Tracker
from analytics.tracking.appearance import signatures
from analytics.traffic_light.signal_reader import signal_readers


def tracked_objects(tracked: sv.Detections, frame_size: tuple[int, int]) -> tuple[TrackedObject, ...]:
    """Tracked detections in pixels → TrackedObjects with boxes normalised to `frame_size` (h, w)."""
    height, width = frame_size
    scale = np.array([width, height, width, height], dtype=float)
    return tuple(
        TrackedObject(
            track_id=int(track_id),
            class_name=CLASS_NAMES[int(class_id)],
            box=tuple(float(v) for v in (box / scale).clip(0.0, 1.0)),  # type: ignore[arg-type]
            score=float(score),
        )
        for box, class_id, track_id, score in zip(
            tracked.xyxy, class_ids(tracked), tracker_ids(tracked), confidences(tracked), strict=True
        )
        if int(class_id) in CLASS_NAMES
    )


class CameraPipeline:
    """`process` turns one frame's detections into the camera's tracks and the events they cause."""

    def __init__(
        self, camera: CameraConfig, schedules: Mapping[str, Schedule], clock: StageClock | None = None
    ) -> None:
        self.camera = camera
        self._clock = clock or StageClock()
        self._tracker = Tracker()
        self._gate = MotionGate(camera.motion)
        self._objects: tuple[TrackedObject, ...] = ()
        self.reconfigure(camera, schedules)

    def reconfigure(self, camera: CameraConfig, schedules: Mapping[str, Schedule]) -> None:
        """New zones, lines and skills: skills start afresh, the tracker and its last tracks stay."""
        if camera.motion != self.camera.motion:
            # A fresh gate sends its first frame to the detector, so the new settings apply at once.
            self._gate = MotionGate(camera.motion)
        self.camera = camera
        self._engine = SkillEngine(camera, schedules)
        self._signals = signal_readers(camera)

    @property
    def tiling(self) -> Tiling:
        """How the detector cuts this camera's frames; a reconfiguration applies from the next frame."""
        return self.camera.detection.tiling()

    def needs_detection(self, image: np.ndarray, time_s: float) -> bool:
        """Whether this frame must go through the detector (something moved, or a refresh is due)."""
        with self._clock.measure("motion"):
            return self._gate.needs_detection(image, time_s)

    def process(
        self,
        detections: sv.Detections | None,
        image: np.ndarray,
        frame: int,
        time_s: float,
        timestamp: datetime | None = None,
    ) -> tuple[FrameTracks, list[AnalyticsEvent]]:
        """`frame` is 1-based; `time_s` seconds since the stream or file started.

        `detections` is None for a frame the motion gate let skip: the scene is as last detected, so
        the skills see the same objects at this frame's time and their timers keep running.
        """
        if detections is not None:
            with self._clock.measure("tracking"):
                # Colour signatures help the tracker tell people apart; they stay in its memory (see
                # `tracking.appearance`) and never reach the tracks, events or anything sent out.
                tracked = self._tracker.update(detections, time_s, signatures(image, detections.xyxy))
                self._objects = tracked_objects(tracked, image.shape[:2])
        tracks = FrameTracks(
            camera_id=self.camera.id,
            frame=frame,
            time_s=time_s,
            objects=self._objects,
            timestamp=timestamp,
            signals={label: reader.read(image, time_s) for label, reader in self._signals.items()},
            signal_confidence={label: reader.confidence for label, reader in self._signals.items()},
        )
        with self._clock.measure("skills"):
            return tracks, self._engine.process(tracks)

    def counts_csv(self) -> str:
        """The counting skills' interval counts as CSV; empty when the camera counts nothing."""
        return self._engine.counts_csv()
