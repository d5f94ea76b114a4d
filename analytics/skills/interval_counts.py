"""Tallies per fixed interval, for the counting skill's offline counts.csv.

Intervals are aligned on multiples of `interval_s` of the clock they are given: UTC epoch seconds
live, so 15-minute counts start at :00, :15, ...; stream seconds offline.
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=tuple[str, ...])


@dataclass(frozen=True, slots=True)
class IntervalCount(Generic[Key]):
    start: float
    end: float
    key: Key
    count: int


class IntervalCounts(Generic[Key]):
    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._tallies: Counter[tuple[float, Key]] = Counter()

    def __len__(self) -> int:
        return len(self._tallies)

    def drop_ended(self, clock: float) -> None:
        """Forget the intervals ended at `clock` (cheap when there are none: called every frame)."""
        ended = [tally for tally in self._tallies if tally[0] + self.interval_s <= clock]
        for tally in ended:
            del self._tallies[tally]

    def interval_start(self, clock: float) -> float:
        return math.floor(clock / self.interval_s) * self.interval_s

    def add(self, clock: float, key: Key) -> None:
        self._tallies[(self.interval_start(clock), key)] += 1

    def counts(self) -> list[IntervalCount[Key]]:
        """Every tally, oldest interval first, then by key."""
        return [
            IntervalCount(start, start + self.interval_s, key, count)
            for (start, key), count in sorted(self._tallies.items())
        ]


def utc_iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat()
