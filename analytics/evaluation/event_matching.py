"""Scoring events against reference events: precision, recall and false-positive share.

Reference files are CSV `event,zone_or_line,track_id,frame,time_s,detail` with kinds loitering,
zone_enter, line_cross (detail: the crossing direction) and red_light (the stop line). Our events
map onto them by kind: loitering → loitering, intrusion → zone_enter, line_cross → line_cross,
red_light → red_light; `end` phases are not occurrences and are left out. Track ids are not compared: the reference ids are annotators' ids.
"""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from analytics.evaluation.rates import RateInterval, false_alert_rate

KIND_MAP = {
    "loitering": "loitering",
    "intrusion": "zone_enter",
    "line_cross": "line_cross",
    "red_light": "red_light",
}


def matching_rule(tolerance_s: float) -> str:
    return (
        "one-to-one matching: same kind, same zone or line, same direction (line_cross), "
        f"|Δt| ≤ {tolerance_s:g} s; among the possible pairings the one with the most matches, "
        "then the least total |Δt|"
    )


@dataclass(frozen=True, slots=True)
class Occurrence:
    kind: str
    target: str
    direction: str | None
    time_s: float


def read_reference(path: Path) -> list[Occurrence]:
    with Path(path).open(newline="") as file:
        return [
            Occurrence(
                kind=row["event"],
                target=row["zone_or_line"],
                direction=(row["detail"] or None) if row["event"] == "line_cross" else None,
                time_s=float(row["time_s"]),
            )
            for row in csv.DictReader(file)
        ]


def occurrence_of(event: dict) -> Occurrence | None:
    """One of our events (as JSON) as an occurrence of a reference kind; None for other kinds and `end`."""
    kind = KIND_MAP.get(event["kind"])
    if kind is None or event["phase"] == "end":
        return None
    direction = event.get("evidence", {}).get("direction") if kind == "line_cross" else None
    return Occurrence(kind, event.get("zone") or event["line"], direction, event["time_s"])


def read_events(path: Path) -> list[Occurrence]:
    """Our events.jsonl as occurrences of the reference kinds (other kinds and `end` phases dropped)."""
    occurrences = (
        occurrence_of(json.loads(line)) for line in Path(path).read_text().splitlines() if line.strip()
    )
    return [o for o in occurrences if o is not None]


@dataclass(frozen=True, slots=True)
class EventScores:
    kind: str
    target: str
    true_positives: int
    false_positives: int
    misses: int

    @property
    def precision(self) -> float:
        return self.true_positives / max(self.true_positives + self.false_positives, 1)

    @property
    def recall(self) -> float:
        return self.true_positives / max(self.true_positives + self.misses, 1)

    @property
    def false_positive_share(self) -> float:
        """Share of our alerts that match nothing: what an operator experiences as false alarms."""
        return self.false_positives / max(self.true_positives + self.false_positives, 1)

    @property
    def false_alert_rate(self) -> RateInterval:
        """The same share with its 95 % bounds, computed as the bridge's trust loop computes them."""
        return false_alert_rate(self.false_positives, self.true_positives + self.false_positives)


def _matches(predicted: list[float], reference: list[float], tolerance_s: float) -> list[int]:
    """Indices of the predicted times the best one-to-one matching pairs with a reference time."""
    if not predicted or not reference:
        return []
    delta = np.abs(np.subtract.outer(predicted, reference))
    allowed = delta <= tolerance_s
    # An out-of-tolerance pair costs more than any set of allowed pairs, so the assignment first
    # maximises the number of matches, then minimises their total |Δt|.
    cost = np.where(allowed, delta, tolerance_s * (len(predicted) + len(reference)) + 1.0)
    rows, cols = linear_sum_assignment(cost)
    return [int(r) for r, c in zip(rows, cols, strict=True) if allowed[r, c]]


def match_events(
    predicted: list[Occurrence],
    reference: list[Occurrence],
    tolerance_s: float = 2.0,
    allowed: list[Occurrence] | None = None,
) -> list[EventScores]:
    """Scores per (kind, zone or line), sorted, for every pair seen on either side.

    `allowed` are occurrences a report may match without being required to (see
    `reference_rules`): predictions left unmatched by the reference that match one of them are
    neither true nor false positives.
    """
    Key = tuple[str, str, str | None]
    times: dict[Key, tuple[list[float], list[float], list[float]]] = defaultdict(lambda: ([], [], []))
    for side, occurrences in enumerate((predicted, reference, allowed or [])):
        for o in occurrences:
            times[o.kind, o.target, o.direction][side].append(o.time_s)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (kind, target, _), (ours, theirs, tolerated) in times.items():
        matched = _matches(ours, theirs, tolerance_s)
        left = [t for i, t in enumerate(ours) if i not in set(matched)]
        excused = len(_matches(left, tolerated, tolerance_s))
        if not ours and not theirs:
            continue
        total = totals[kind, target]
        total[0] += len(matched)
        total[1] += len(left) - excused
        total[2] += len(theirs) - len(matched)
    return [EventScores(kind, target, *counts) for (kind, target), counts in sorted(totals.items())]


def by_kind(scores: list[EventScores]) -> list[EventScores]:
    """The same scores summed over zones and lines, one row per kind (target 'all')."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for s in scores:
        total = sums[s.kind]
        total[0] += s.true_positives
        total[1] += s.false_positives
        total[2] += s.misses
    return [EventScores(kind, "all", *counts) for kind, counts in sorted(sums.items())]


def format_event_scores(scores: list[EventScores], target: float = 0.10) -> str:
    """A table per kind and zone or line, then per kind. `upper95` is the exact one-sided 95 % upper
    bound of the false-alert rate (the bridge's promotion gate: `gate` says whether it is below
    `target`), `wilson95` the two-sided 95 % Wilson interval."""
    lines = [
        f"{'kind':<11} {'zone/line':<17} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>6} {'FP share':>8}"
        f" {'upper95':>7} {'wilson95':>13} gate<{target:.0%}"
    ]
    for s in [*scores, *by_kind(scores)]:
        rate = s.false_alert_rate
        lines.append(
            f"{s.kind:<11} {s.target:<17} {s.true_positives:>4} {s.false_positives:>4} {s.misses:>4} "
            f"{s.precision:>9.3f} {s.recall:>6.3f} {s.false_positive_share:>8.3f}"
            f" {rate.exact_upper:>7.3f} {f'{rate.wilson_low:.3f}-{rate.wilson_high:.3f}':>13}"
            f" {'yes' if rate.below(target) else 'no'}"
        )
    return "\n".join(lines)
