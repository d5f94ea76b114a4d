"""The live traffic counts: `line_cross` events of the counting skills, tallied per camera, line, class,
direction and interval, with the time each camera was really analysed, gathered for the statistics store.

Intervals are those of the counting skill (its `interval_s`, aligned on wall-clock boundaries of the
site's time zone, [counting] timezone: local_time.py) and a crossing falls in the interval of its own
time, even when reported late (stop-and-go, id switches): the store adds it to that interval's total,
with its category (French class where the event has one), its speed (between lines, else along the
track; none on an uncalibrated camera) and its origin line (turning movements).

Analysed time is what makes an outage show as missing data rather than as no traffic: the span between
two consecutive analysed frames of a camera counts as analysed when it is no longer than a few frames
of the camera would take (`max_analysed_gap_s`): GAP_FRAMES frame periods at the camera's configured
`fps`, never less than MAX_ANALYSED_GAP_S, plus one period for each frame the daemon reports it dropped
in between (superseded by a newer one: dropped by design when it is loaded). So a camera analysed at
0.4 fps (a frame every 2.5 s) is analysed all the time it streams, as is one whose daemon skips frames
to keep up; a longer span means the camera, its stream or the daemon was down, and counts for nothing.
"""

from collections import Counter

from analytics.events import AnalyticsEvent
from analytics.link.link_messages import FrameResult
from analytics.skills.counting import CountingConfig
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.categories import category_of_crossing
from genetec_bridge.counting.local_time import floor
from genetec_bridge.counting.store import StatisticsBatch
from genetec_bridge.health.status import LineCrossings

# Frames come every 1/fps seconds (0.2 s at 5 fps) and a busy daemon skips some; ten frame periods
# without any (2 s at 5 fps) is no longer a late frame but a gap in the analysis (reconnection, daemon
# restart). Two seconds at least: a fast camera's frames may come late by that much on a busy host.
GAP_FRAMES = 10
MAX_ANALYSED_GAP_S = 2.0


def max_analysed_gap_s(fps: float, dropped: int) -> float:
    """The longest span between two analysed frames of a camera at `fps` that counts as analysed, when
    the daemon dropped `dropped` of the camera's frames between them."""
    return max(MAX_ANALYSED_GAP_S, GAP_FRAMES / fps) + dropped / fps


CountKey = tuple[str, str, str, str]  # camera, line, class, direction


class LiveCounts:
    def __init__(self, site: SiteConfig) -> None:
        self.reconfigure(site)
        self._last_analysed: dict[str, float] = {}  # camera id -> capture time of its latest result
        self._crossings: Counter[CountKey] = Counter()
        self.pending = StatisticsBatch()

    def reconfigure(self, site: SiteConfig) -> None:
        """Count the counting skills of `site` from now on (also a configuration applied without a restart);
        what was tallied so far is kept."""
        self._lines = {
            (camera.id, skill.label): (skill.line, skill.interval_s)
            for camera in site.cameras
            for skill in camera.running_skills()
            if isinstance(skill, CountingConfig)
        }
        self._fps = {camera.id: camera.fps for camera in site.cameras}
        self._zone = site.counting.zone

    def add(self, result: FrameResult) -> None:
        """Tally the result's crossings and the analysed time it closes, into `pending`."""
        now = result.captured_at.timestamp()
        last = self._last_analysed.get(result.camera)
        # A camera no longer configured (results in flight at a reconfiguration) is held to 5 fps.
        fps = self._fps.get(result.camera, GAP_FRAMES / MAX_ANALYSED_GAP_S)
        if last is not None and 0 < now - last <= max_analysed_gap_s(fps, result.dropped):
            self.pending.add_analysed(result.camera, last, now)
        if last is None or now > last:
            self._last_analysed[result.camera] = now
        for event in result.events:
            line = self._lines.get((event.camera, event.skill))
            if line is not None and event.kind == "line_cross":
                self._tally(*line, event, now)

    def take(self) -> StatisticsBatch:
        """What was gathered since the last call, for the store; `pending` starts afresh."""
        batch, self.pending = self.pending, StatisticsBatch()
        return batch

    def crossings(self) -> list[LineCrossings]:
        """Crossings since the bridge started, per camera, line, class and direction."""
        return [
            LineCrossings(camera_id=camera, line=line, class_name=class_name, direction=direction, count=n)
            for (camera, line, class_name, direction), n in sorted(self._crossings.items())
        ]

    def _tally(self, line: str, interval_s: float, event: AnalyticsEvent, now: float) -> None:
        direction = event.evidence.direction or ""
        self._crossings[(event.camera, line, event.class_name, direction)] += 1
        at = event.timestamp.timestamp() if event.timestamp is not None else now
        key = (event.camera, line, floor(at, interval_s, self._zone), interval_s, event.class_name, direction)
        self.pending.crossings[key] += 1
        evidence = event.evidence
        category = category_of_crossing(event.class_name, evidence.french_class)
        # Between two lines where the event has it (timed over metres of road), else along the track.
        speed = evidence.line_speed_kmh if evidence.line_speed_kmh is not None else evidence.speed_kmh
        self.pending.add_speed(key, category, speed)
        self.pending.add_movement(key, category, evidence.origin)
