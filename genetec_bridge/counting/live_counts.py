"""The live traffic counts: `line_cross` events of the counting skills, tallied per camera, line, class,
direction and interval, with each interval handed over once it has closed.

Intervals are those of the counting skill (its `interval_s`, aligned on UTC wall-clock boundaries)
and a crossing falls in the interval of its own UTC time. A camera's intervals close on its capture
clock (the time of its latest analysed frame), so a camera with no traffic still closes them.

Only intervals the bridge watched from start to end are handed over: the one in progress when the
bridge starts is partial, and so is the one a stop or crash interrupts, which is held only in memory.
A row therefore never undercounts because of a restart, and no interval is written twice.
"""

import logging
from collections import Counter
from dataclasses import dataclass

from analytics.events import AnalyticsEvent
from analytics.link.link_messages import FrameResult
from analytics.skills.counting import CountingConfig
from analytics.skills.interval_counts import IntervalCount, IntervalCounts, utc_iso
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.health.status import LineCrossings

log = logging.getLogger(__name__)

# A crossing is dated when the object passed the line but is only reported once it is clear of it
# (stop-and-go, id switches); an interval stays open this long after its end to take such late ones.
SETTLE_S = 60.0

CountKey = tuple[str, str, str, str]  # camera, line, class, direction
IntervalRow = IntervalCount[CountKey]


@dataclass(slots=True)
class _SkillCounts:
    line: str
    tallies: IntervalCounts[CountKey]
    closed_until: float | None = None  # epoch seconds: intervals ended by then are handed over


class LiveCounts:
    def __init__(self, site: SiteConfig) -> None:
        self._skills = {
            (camera.id, skill.label): _SkillCounts(skill.line, IntervalCounts(skill.interval_s))
            for camera in site.cameras
            for skill in camera.skills
            if isinstance(skill, CountingConfig)
        }
        self._watched_from: dict[str, float] = {}  # camera id -> capture time of its first result
        self._crossings: Counter[CountKey] = Counter()

    def add(self, result: FrameResult) -> list[IntervalRow]:
        """Tally the result's crossings; the fully watched intervals it closed, oldest first."""
        now = result.captured_at.timestamp()
        watched_from = self._watched_from.setdefault(result.camera, now)
        for event in result.events:
            skill = self._skills.get((event.camera, event.skill))
            if skill is not None and event.kind == "line_cross":
                self._tally(skill, event, now)
        closed = []
        for (camera, _), skill in self._skills.items():
            if camera == result.camera:
                until = now - SETTLE_S
                # Never reopen an exported interval, even if the capture clock steps back.
                if skill.closed_until is None or until > skill.closed_until:
                    skill.closed_until = until
                ended = skill.tallies.pop_ended(skill.closed_until)
                closed += [row for row in ended if row.start >= watched_from]
        return sorted(closed, key=lambda row: (row.start, row.key))

    def crossings(self) -> list[LineCrossings]:
        """Crossings since the bridge started, late ones and those of partial intervals included."""
        return [
            LineCrossings(camera_id=camera, line=line, class_name=class_name, direction=direction, count=n)
            for (camera, line, class_name, direction), n in sorted(self._crossings.items())
        ]

    def _tally(self, skill: _SkillCounts, event: AnalyticsEvent, now: float) -> None:
        key = (event.camera, skill.line, event.class_name, event.evidence.direction or "")
        self._crossings[key] += 1
        at = event.timestamp.timestamp() if event.timestamp is not None else now
        interval_end = skill.tallies.interval_start(at) + skill.tallies.interval_s
        if skill.closed_until is not None and interval_end <= skill.closed_until:
            log.warning(
                "crossing of line %s on camera %s at %s reported after its interval was exported; "
                "not in the CSV counts",
                skill.line,
                event.camera,
                utc_iso(at),
            )
            return
        skill.tallies.add(at, key)
