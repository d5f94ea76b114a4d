"""A week of traffic on the example site's counting line, with a camera outage, fed through the bridge's
live counts into a statistics store, as the running bridge does.

Monday 2026-03-02 00:00 to Monday 2026-03-09 00:00 UTC, a frame every 2 s. Every hour: a car A->B at
:05 and a truck B->A at :25; a bus A->B at :50 from 07:00 to 09:59; a bicycle A->B at 12:10 and a
motorcycle B->A at 18:40 each day. The camera is down on Wednesday from 10:20:00 to 11:40:00 (no frame
in between), so the crossings of 10:25, 11:05 and 11:25 that day are never seen.
"""

import atexit
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.events import AnalyticsEvent, Evidence
from analytics.link.link_messages import FrameResult
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.live_counts import LiveCounts
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore

CAMERA = "00000002-0000-babe-0000-00408ca1eb96"  # the example's camera 2: line "Northbound count", 900 s
LINE = "Northbound count"
START = datetime(2026, 3, 2, tzinfo=UTC)
END = START + timedelta(days=7)
OUTAGE = (datetime(2026, 3, 4, 10, 20, tzinfo=UTC), datetime(2026, 3, 4, 11, 40, tzinfo=UTC))
FRAME_S = 2


def crossings_at(when: datetime) -> list[tuple[str, str]]:
    """(class, direction) of the crossings at this instant of the week's pattern."""
    found = []
    if when.second == 0:
        if when.minute == 5:
            found.append(("car", "A->B"))
        if when.minute == 25:
            found.append(("truck", "B->A"))
        if when.minute == 50 and 7 <= when.hour <= 9:
            found.append(("bus", "A->B"))
        if (when.hour, when.minute) == (12, 10):
            found.append(("bicycle", "A->B"))
        if (when.hour, when.minute) == (18, 40):
            found.append(("motorcycle", "B->A"))
    return found


def event(when: datetime, class_name: str, direction: str) -> AnalyticsEvent:
    return AnalyticsEvent(
        id=f"cross-{when.isoformat()}-{class_name}",
        kind="line_cross",
        skill=f"counting:{LINE}",
        phase="instant",
        camera=CAMERA,
        line=LINE,
        class_name=class_name,
        track_id=1,
        frame=1,
        time_s=0.0,
        timestamp=when,
        evidence=Evidence(direction=direction),
    )


def feed_week(site: SiteConfig, store: StatisticsStore) -> None:
    """The week's frames through LiveCounts, committed to the store every simulated hour."""
    counts = LiveCounts(site)
    when = START
    while when <= END:
        if not OUTAGE[0] < when < OUTAGE[1]:
            events = [event(when, *crossing) for crossing in crossings_at(when)]
            counts.add(
                FrameResult.model_construct(
                    camera=CAMERA, frame=1, time_s=0.0, captured_at=when, events=events, inference_s=0.01
                )
            )
        if when.minute == 0 and when.second == 0:
            store.commit(counts.take())
        when += timedelta(seconds=FRAME_S)
    store.commit(counts.take())


_built: Path | None = None


def week_store_copy(site: SiteConfig, destination: Path) -> None:
    """A store holding the week (and its availability and alerts) at `destination`. The week takes a
    while to feed, so it is fed once per test session and copied."""
    global _built
    if _built is None:
        directory = Path(tempfile.mkdtemp(prefix="synthetic-week-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        store = StatisticsStore(directory / "week.sqlite3")
        feed_week(site, store)
        feed_availability_and_alerts(store)
        store.close()  # checkpoints the WAL: the one file holds everything
        _built = directory / "week.sqlite3"
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_built, destination)


PARVIS = "00000001-0000-babe-0000-00408ca1eb95"  # the example's camera 1, not analysed that week


def feed_availability_and_alerts(store: StatisticsStore) -> None:
    """The same week: the bridge ran all of it, the daemon was up 6 days, Security Center reachable 5;
    camera 1 raised 12 intrusion alerts (one in February, outside the month, too)."""
    batch = StatisticsBatch()
    t0, day = START.timestamp(), 86400.0
    batch.add_availability("bridge", t0, t0 + 7 * day, up=True)
    batch.add_availability("daemon", t0, t0 + 6 * day, up=True)
    batch.add_availability("daemon", t0 + 6 * day, t0 + 7 * day, up=False)
    batch.add_availability("security_center", t0, t0 + 5 * day, up=True)
    batch.add_availability("security_center", t0 + 5 * day, t0 + 7 * day, up=False)
    for n in range(12):
        batch.add_alert(PARVIS, "intrusion:Fountain", t0 + n * 3000.0)
    batch.add_alert(PARVIS, "intrusion:Fountain", t0 - 2 * day)  # 28 February
    store.commit(batch)
