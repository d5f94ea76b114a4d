"""Counting scored against hand-annotated crossings: counts per line and direction, class confusion.

Reference CSV (see fixtures/traffic-urban/README.md): `vehicle,frame,line,direction,class,...`,
one row per vehicle crossing a counting line, its class as the annotator saw it (`van` included,
which the detector has no class for). Our `line_cross` events are paired one-to-one with the
reference crossings of the same line and direction within `tolerance_frames`, the closest pairs
first; the pairs give the class confusion, the unpaired the misses and the extra counts.
"""

import csv
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

HEAVY = frozenset({"truck", "bus"})


@dataclass(frozen=True, slots=True)
class Crossing:
    line: str
    direction: str
    frame: int
    class_name: str


def read_crossings(path: Path) -> list[Crossing]:
    with Path(path).open(newline="") as file:
        return [
            Crossing(row["line"], row["direction"], int(row["frame"]), row["class"])
            for row in csv.DictReader(file)
        ]


def read_counted(events_jsonl: Path) -> list[Crossing]:
    """Our `line_cross` events as crossings."""
    crossings = []
    for line in Path(events_jsonl).read_text().splitlines():
        event = json.loads(line) if line.strip() else {}
        if event.get("kind") == "line_cross":
            crossings.append(
                Crossing(event["line"], event["evidence"]["direction"], event["frame"], event["class"])
            )
    return crossings


@dataclass(frozen=True, slots=True)
class CountScores:
    counted: Counter[tuple[str, str]]  # (line, direction) → our count
    reference: Counter[tuple[str, str]]
    confusion: Counter[tuple[str, str]]  # (reference class, our class); "missed" / "extra" when unpaired

    def count_error(self, key: tuple[str, str]) -> float:
        """Relative error of our count for one line and direction (0 when both are 0)."""
        return abs(self.counted[key] - self.reference[key]) / max(self.reference[key], 1)

    def summary(self) -> str:
        lines = ["line / direction        reference  counted  error"]
        for key in sorted(set(self.reference) | set(self.counted)):
            lines.append(
                f"{key[0] + ' ' + key[1]:<24}{self.reference[key]:>9}{self.counted[key]:>9}  {self.count_error(key):>5.1%}"
            )
        ours = sorted({c for _, c in self.confusion})
        lines.append("class confusion (rows: reference, columns: counted as)")
        lines.append(f"{'':<10}" + "".join(f"{c:>9}" for c in ours))
        for reference_class in sorted({r for r, _ in self.confusion}):
            lines.append(
                f"{reference_class:<10}" + "".join(f"{self.confusion[reference_class, c]:>9}" for c in ours)
            )
        return "\n".join(lines)


def score_counts(counted: list[Crossing], reference: list[Crossing], tolerance_frames: int) -> CountScores:
    confusion: Counter[tuple[str, str]] = Counter()
    for key in {(c.line, c.direction) for c in counted + reference}:
        ours = [c for c in counted if (c.line, c.direction) == key]
        theirs = [c for c in reference if (c.line, c.direction) == key]
        paired_ours, paired_theirs = set(), set()
        if ours and theirs:
            delta = np.abs(np.subtract.outer([c.frame for c in ours], [c.frame for c in theirs]))
            cost = np.where(
                delta <= tolerance_frames, delta, 10 * tolerance_frames * (len(ours) + len(theirs)) + 1
            )
            for row, column in zip(*linear_sum_assignment(cost), strict=True):
                if delta[row, column] <= tolerance_frames:
                    confusion[theirs[column].class_name, ours[row].class_name] += 1
                    paired_ours.add(row)
                    paired_theirs.add(column)
        confusion.update((c.class_name, "missed") for i, c in enumerate(theirs) if i not in paired_theirs)
        confusion.update(("extra", c.class_name) for i, c in enumerate(ours) if i not in paired_ours)
    return CountScores(
        Counter((c.line, c.direction) for c in counted),
        Counter((c.line, c.direction) for c in reference),
        confusion,
    )
