"""Closed count intervals appended to one CSV file per UTC day: DIR/counts-YYYY-MM-DD.csv.

A day per file keeps each file small and lets the city pick up finished days; the day is that of the
interval's start. Rows are synced to disk before `append` returns, so an exported interval survives
a crash or power loss.
"""

import csv
import io
import os
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

from analytics.skills.counting import COUNTS_HEADER
from analytics.skills.interval_counts import utc_iso
from genetec_bridge.counting.live_counts import IntervalRow

# The offline counts.csv columns, with the camera before the line.
HEADER = (*COUNTS_HEADER[:2], "camera", *COUNTS_HEADER[2:])


class DailyCountsFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, day: str) -> Path:
        return self.directory / f"counts-{day}.csv"

    def files(self) -> dict[date, Path]:
        """The daily files present, by their UTC day."""
        found = {}
        for path in sorted(self.directory.glob("counts-*.csv")) if self.directory.is_dir() else []:
            try:
                found[date.fromisoformat(path.stem.removeprefix("counts-"))] = path
            except ValueError:
                continue  # not one of ours: leave it alone
        return found

    def purge(self, before: date) -> list[Path]:
        """Delete the files of the days before `before`; the removed paths."""
        removed = [path for day, path in self.files().items() if day < before]
        for path in removed:
            path.unlink()
        if removed:
            _sync_directory(self.directory)
        return removed

    def append(self, rows: list[IntervalRow]) -> None:
        by_day: dict[str, list[IntervalRow]] = defaultdict(list)
        for row in rows:
            by_day[datetime.fromtimestamp(row.start, UTC).date().isoformat()].append(row)
        for day, day_rows in by_day.items():
            self._append_to(self.path_for(day), day_rows)

    def _append_to(self, path: Path, rows: list[IntervalRow]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        new = not path.exists() or path.stat().st_size == 0
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        if new:
            writer.writerow(HEADER)
        writer.writerows((utc_iso(row.start), utc_iso(row.end), *row.key, row.count) for row in rows)
        with path.open("a", encoding="utf-8", newline="") as file:
            file.write(text.getvalue())
            file.flush()
            os.fsync(file.fileno())
        if new:
            _sync_directory(self.directory)


def _sync_directory(directory: Path) -> None:
    """Make a new file's name durable, not only its content."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
