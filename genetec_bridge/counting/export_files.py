"""The counts exports as files (CSV, NGSI-LD, DATEX II): what `genetec-bridge counts export` writes, the box's traffic page
sends, and the end of contract hands over.

The store is read a CHUNK_S at a time and each chunk's rows written before the next is read: the memory
an export takes does not grow with its range (a year of a counting point is a few megabytes of it, for a
file of tens).
"""

import csv
import json
import math
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from genetec_bridge.counting.datex2 import write_publication
from genetec_bridge.counting.exports import (
    COUNTS_HEADER,
    MOVEMENTS_HEADER,
    counts_rows,
    movements_rows,
    ngsi_ld_entities,
    points_csv,
    speeds_rows,
)
from genetec_bridge.counting.local_time import floor
from genetec_bridge.counting.series import CountingPoint, Measure, site_measures
from genetec_bridge.counting.store import StatisticsStore

FORMATS = ("csv", "ngsi-ld", "datex2")
POINTS_FILE = "points-comptage.csv"
CHUNK_S = 7 * 86400.0


def write_exports(
    out: Path,
    store: StatisticsStore,
    points: list[CountingPoint],
    start: float,
    end: float,
    period_s: float | None,
    stem: str,
    formats: tuple[str, ...] = FORMATS,
    published_at: datetime | None = None,
) -> list[Path]:
    """The points' intervals starting in [start, end), or (with `period_s`) their sums per period.
    CSV: the points file, comptages-STEM.csv, and vitesses-STEM.csv and mouvements-STEM.csv (speeds,
    turning movements); NGSI-LD: trafficflowobserved-STEM.json; DATEX II: datex2-STEM.xml (published at
    `published_at`, default now). The files written, in that order but the speeds and movements last.

    Raises ValueError naming the point, before writing anything, when a period is not a whole number of
    its intervals."""
    for point in points:
        if period_s is not None and period_s % point.interval_s:
            raise ValueError(
                f"{point.id}: a period of {period_s:g} s is not a whole number of {point.interval_s:g} s intervals"
            )
    out.mkdir(parents=True, exist_ok=True)
    written, more = [], []
    if "csv" in formats:
        written += [out / POINTS_FILE, out / f"comptages-{stem}.csv"]
        more = [out / f"vitesses-{stem}.csv", out / f"mouvements-{stem}.csv"]
        written[0].write_text(points_csv(points), encoding="utf-8")
        with ExitStack() as files:
            counts, speeds, movements = (
                csv.writer(
                    files.enter_context(path.open("w", encoding="utf-8", newline="")), lineterminator="\n"
                )
                for path in (written[1], *more)
            )
            for writer, header in (
                (counts, COUNTS_HEADER),
                (speeds, COUNTS_HEADER),
                (movements, MOVEMENTS_HEADER),
            ):
                writer.writerow(header)
            for chunk in _chunks(store, points, start, end, period_s):
                counts.writerows(counts_rows(chunk))
                speeds.writerows(speeds_rows(chunk))
                movements.writerows(movements_rows(chunk))
    if "ngsi-ld" in formats:
        written.append(out / f"trafficflowobserved-{stem}.json")
        with written[-1].open("w", encoding="utf-8") as file:
            _write_json_array(file, store, points, start, end, period_s)
    if "datex2" in formats:
        written.append(out / f"datex2-{stem}.xml")
        with written[-1].open("wb") as binary:
            moment = published_at or datetime.now(UTC)
            write_publication(binary, _chunks(store, points, start, end, period_s), points, moment)
    return written + more


def _chunks(
    store: StatisticsStore, points: list[CountingPoint], start: float, end: float, period_s: float | None
) -> Iterator[list[Measure]]:
    """Each point's measures, point after point, a chunk at a time. Chunks end where a local period
    (or interval) starts, so that no interval or period is cut in two."""
    for point in points:
        unit = period_s or point.interval_s
        size = math.ceil(CHUNK_S / unit) * unit
        at = start
        while at < end:
            until = min(end, floor(at + size, unit, point.zone))
            yield site_measures(store, [point], at, until, period_s)
            at = until


def _write_json_array(
    file: TextIO,
    store: StatisticsStore,
    points: list[CountingPoint],
    start: float,
    end: float,
    period_s: float | None,
) -> None:
    """The entities as one JSON array, as json.dumps(entities, indent=1) writes it, an entity at a time."""
    first = True
    for chunk in _chunks(store, points, start, end, period_s):
        for entity in ngsi_ld_entities(chunk):
            text = json.dumps(entity, indent=1, ensure_ascii=False)
            file.write(("[\n " if first else ",\n ") + text.replace("\n", "\n "))
            first = False
    file.write("[]" if first else "\n]")
