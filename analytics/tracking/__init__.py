"""Multi-object tracking of one camera's detections, timed in seconds."""

from analytics.tracking.tracker import Tracker, TrackerConfig

__all__ = ["Tracker", "TrackerConfig"]
