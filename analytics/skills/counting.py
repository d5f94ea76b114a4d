"""Traffic counting: crossings of a line by class and direction, aggregated per interval.

Each `line_cross` event carries the vehicle's French class (analytics.skills.vehicle_size) and says
how it was reached (`classified_by`): on a camera with a ground calibration, from the length
measured over the track and the detector's class, with the speed and length in the evidence (the
speed at the vehicle's passage over the line, and `speed_from` saying whether the fitted box or the
anchor gave it); on a camera without one, from the vehicle's box height against a car's at its place
in the picture (analytics.skills.relative_size: each counting skill learns its camera's car scale from
every frame's car boxes), with the ratio in the evidence, and from the detector's class alone until
that scale is learned; no length or speed is claimed without a calibration. Each skill learns the
scale itself rather than sharing one per camera: it sees every object of its camera's frames, so two
lines of a camera learn the same scale, and the fit runs only at a crossing.

A counting line may name `origins` (turning movements, analytics.skills.movements): its events then
say the origin line the vehicle crossed last before it, with the direction, and on a calibrated
camera the speed between the two lines.
"""

import csv
import io
from collections import deque
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field

from analytics.events import AnalyticsEvent
from analytics.frame_tracks import FrameTracks
from analytics.geometry.coordinates import Segment
from analytics.geometry.ground import GroundPlane
from analytics.skills.base import ClassName, LineSkillConfig
from analytics.skills.crossings import Crossing, LineCrossingSkill
from analytics.skills.event_factory import EventFactory
from analytics.skills.interval_counts import IntervalCounts, utc_iso
from analytics.skills.movements import OriginLines, between, passage
from analytics.skills.relative_size import CarScale, relative_class, size_ratio
from analytics.skills.subjects import Sighting
from analytics.skills.vehicle_size import (
    Measure,
    Sample,
    detector_class,
    french_class,
    hidden_bottoms,
    measure,
)
from analytics.skills.visits import Instant

Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
# Live, the bridge tallies the crossings it receives and reports each interval once closed; the skill
# keeps an interval this long past its end for crossings reported late, then drops it (a daemon that
# runs for a year would otherwise hold 35,000 quarter-hours per line).
LIVE_SETTLE_S = 120.0

# Sightings of each track kept for measuring it: its last seconds of approach, whatever the frame
# rate (a fixed number of frames is a second at 60 fps, too alike in view to tell length from
# height); and how long a track unseen is remembered (as long as a subject, see
# analytics.skills.subjects).
SAMPLES_SPAN_S = 6.0
SAMPLES_FORGET_S = 10.0

COUNTS_HEADER = ("interval_start", "interval_end", "line", "class", "direction", "count")


class CountingConfig(LineSkillConfig):
    kind: Literal["counting"] = "counting"
    bookmarks_by_default = False  # one bookmark per vehicle would bury the recording
    classes: list[ClassName] = Field(
        default_factory=lambda: list[ClassName](["car", "truck", "bus", "motorcycle", "bicycle"]),
        min_length=1,
        description="Classes counted.",
    )
    interval_s: float = Field(
        900.0, gt=0, le=86_400, description="Aggregation interval of the counts, seconds (a day at most)."
    )
    hysteresis: float = Field(
        0.01, ge=0, description="Normalised distance the anchor must reach beyond the line for a crossing."
    )
    origins: list[str] = Field(
        default_factory=list,
        description="Other lines of this camera a vehicle may come from (turning movements: the entries of"
        " a junction, the lanes upstream). Each crossing of this line then says the origin line the"
        " vehicle crossed last before it and, on a calibrated camera, its speed between the two lines.",
    )
    location: tuple[Longitude, Latitude] | None = Field(
        None,
        description="WGS84 [longitude, latitude] of the counting point, for the exports (points file,"
        " NGSI-LD location). The daemon ignores it.",
    )


class CountingSkill(LineCrossingSkill):
    """A `line_cross` instant per crossing, and a tally per interval, class and direction.

    Intervals are aligned on UTC wall-clock multiples of `interval_s` when the stream is live (so
    15-minute counts start at :00, :15, ...) and on multiples of the stream time offline. Offline
    every interval is kept for `counts_rows` at the end of the file; live, intervals are dropped
    once closed (the bridge reports them from the `line_cross` events), so memory stays flat.
    """

    def __init__(
        self,
        config: CountingConfig,
        camera_id: str,
        line: Segment,
        ground: GroundPlane | None = None,
        origins: Mapping[str, Segment] | None = None,
    ) -> None:
        super().__init__(config, camera_id, line, config.hysteresis)
        self._line = line
        self._origins = OriginLines(origins or {}, config.hysteresis, ground)
        self._tallies: IntervalCounts[tuple[str, str]] = IntervalCounts(config.interval_s)
        # A stream is either live (every frame has its UTC time) or a file (none has).
        self._live = False
        self._ground = ground
        self._samples: dict[int, deque[Sample]] = {}
        self._car_scale = CarScale()

    def update(self, frame: FrameTracks) -> list[AnalyticsEvent]:
        hidden = hidden_bottoms([obj.box for obj in frame.objects])
        for obj, hidden_bottom in zip(frame.objects, hidden, strict=True):
            kept = self._samples.setdefault(obj.track_id, deque())
            kept.append(Sample(frame.time_s, obj.box, obj.class_name, obj.score, hidden_bottom))
            self._car_scale.add(obj.track_id, obj.class_name, obj.box, hidden_bottom)
            while kept[0].time_s < frame.time_s - SAMPLES_SPAN_S:
                kept.popleft()
        for track_id in [
            t for t, kept in self._samples.items() if frame.time_s - kept[-1].time_s > SAMPLES_FORGET_S
        ]:
            del self._samples[track_id]
        events = super().update(frame)
        if frame.timestamp is not None:
            self._tallies.drop_ended(frame.timestamp.timestamp() - LIVE_SETTLE_S)
        return events

    def observe(self, frame: FrameTracks, sightings: list[Sighting]) -> None:
        self._origins.update(frame, sightings)

    def forget_except(self, keys: set[int]) -> None:
        self._origins.forget_except(keys)

    def tallied_intervals(self) -> int:
        """How many (interval, class, direction) tallies are held: flat live, growing offline."""
        return len(self._tallies)

    def on_crossing(self, crossing: Crossing, events: EventFactory) -> list[AnalyticsEvent]:
        at = Instant.of(crossing.at)
        self._live = at.timestamp is not None
        clock = at.timestamp.timestamp() if at.timestamp is not None else at.time_s
        self._tallies.add(clock, (crossing.subject.class_name, crossing.direction))
        samples, detected, size = self._measure(crossing)
        return [
            events.make(
                "line_cross",
                "instant",
                crossing.subject,
                at,
                at,
                direction=crossing.direction,
                **self._vehicle(samples, detected, size),
                **self._movement(crossing, size),
            )
        ]

    def _movement(self, crossing: Crossing, size: Measure | None) -> dict[str, object]:
        """Where the vehicle came from (its latest origin line) and its speed since, if measurable."""
        origin = self._origins.take(crossing.subject.key)
        if origin is None:
            return {}
        here = passage(self.config.line, crossing, self._line, self._ground)
        front = None if size is None else size.front
        return {"origin": origin.line, "origin_direction": origin.direction, **between(origin, here, front)}

    def _measure(self, crossing: Crossing) -> tuple[list[Sample], str, Measure | None]:
        """The detector's class over the track and, on a calibrated camera, the vehicle's measure."""
        samples = sorted(
            (s for track_id in crossing.subject.track_ids for s in self._samples.get(track_id, ())),
            key=lambda s: s.time_s,
        )
        detected = detector_class(samples) if samples else crossing.subject.class_name
        if self._ground is None or not samples:
            return samples, detected, None
        return samples, detected, measure(self._ground, samples, self._line)

    def _vehicle(self, samples: list[Sample], detected: str, size: Measure | None) -> dict[str, object]:
        """The evidence about the vehicle itself: its French class, how it was reached, its size and speed."""
        if size is None:
            ratio = size_ratio(self._car_scale, samples) if samples else None
            if ratio is None:
                return {"french_class": french_class(detected, None), "classified_by": "detector"}
            return {
                "french_class": relative_class(detected, ratio),
                "classified_by": "relative_size",
                "size_ratio": ratio,
            }
        return {
            "french_class": french_class(detected, size.length_m),
            "classified_by": "detector" if size.length_m is None else "size_and_detector",
            "length_m": size.length_m,
            "height_m": size.height_m,
            "speed_kmh": size.speed_kmh,
            "speed_from": size.speed_from,
        }

    def counts_rows(self) -> list[tuple[str, str, str, str, str, int]]:
        """(interval start, interval end, line, class, direction, count), oldest interval first."""
        shown = utc_iso if self._live else _stream_seconds
        line = self.config.line
        return [(shown(c.start), shown(c.end), line, *c.key, c.count) for c in self._tallies.counts()]


def _stream_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def counts_csv(rows: list[tuple[str, str, str, str, str, int]]) -> str:
    """CSV text with a header; the empty string when there is nothing to report."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COUNTS_HEADER)
    writer.writerows(rows)
    return out.getvalue()
