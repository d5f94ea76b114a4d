"""Turning-movement (origin–destination) matrices from an `analytics run`'s events, per class.

`python -m analytics.evaluation.turning_movements EVENTS_JSONL`: every `line_cross` event of a
counting line with `origins` is one vehicle's movement, from its origin line (`-` when it crossed
none first: an unknown origin is shown, not guessed) to the counting line, in the directions it
crossed them. The class is the event's French class (analytics.skills.vehicle_size). Below each
matrix, the speeds measured between the two lines: how many, their mean and 85th percentile (V85).
"""

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analytics.skills.vehicle_size import DETECTOR_CLASS

UNKNOWN = "-"


@dataclass
class Movements:
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (class, origin, destination)
    speeds: dict[tuple[str, str, str], list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, event: dict[str, object]) -> None:
        evidence: dict[str, object] = event["evidence"]  # type: ignore[assignment]
        french = str(evidence.get("french_class") or DETECTOR_CLASS[str(event["class"])])
        origin = evidence.get("origin")
        source = f"{origin} {evidence['origin_direction']}" if origin else UNKNOWN
        key = (french, source, f"{event['line']} {evidence['direction']}")
        self.counts[key] += 1
        if evidence.get("line_speed_kmh") is not None:
            self.speeds[key].append(float(evidence["line_speed_kmh"]))  # type: ignore[arg-type]

    def table(self) -> str:
        lines = []
        for french in sorted({c for c, _, _ in self.counts}):
            keys = [k for k in self.counts if k[0] == french]
            origins = sorted({o for _, o, _ in keys})
            destinations = sorted({d for _, _, d in keys})
            width = max(len(d) for d in destinations) + 2
            lines.append(f"class {french}: rows origin, columns destination")
            lines.append(f"{'':<16}" + "".join(f"{d:>{width}}" for d in destinations))
            for origin in origins:
                row = "".join(f"{self.counts[french, origin, d]:>{width}}" for d in destinations)
                lines.append(f"{origin:<16}{row}")
            for key in sorted(k for k in keys if self.speeds.get(k)):
                measured = self.speeds[key]
                lines.append(
                    f"  speed {key[1]} -> {key[2]}: {len(measured)} of {self.counts[key]} measured,"
                    f" mean {np.mean(measured):.1f} km/h, V85 {np.percentile(measured, 85):.1f} km/h"
                )
        return "\n".join(lines)


def movements(events_jsonl: Path, lines: set[str]) -> Movements:
    """The movements ending on the counting `lines` (those with origins)."""
    tally = Movements()
    for text in events_jsonl.read_text().splitlines():
        event = json.loads(text) if text.strip() else {}
        if event.get("kind") == "line_cross" and event.get("line") in lines:
            tally.add(event)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.evaluation.turning_movements")
    parser.add_argument("events", type=Path, help="events.jsonl of an `analytics run`")
    parser.add_argument("--line", action="append", required=True, help="a counting line with origins")
    args = parser.parse_args(argv)
    print(movements(args.events, set(args.line)).table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
