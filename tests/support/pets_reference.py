"""PETS2009 S2.L1 for skill tests: ground-truth tracks as frames, and the reference events to match."""

import csv
from dataclasses import dataclass
from pathlib import Path

from analytics.events import AnalyticsEvent
from analytics.tracks import FrameTracks, TrackedObject

WIDTH, HEIGHT, FPS, LAST_FRAME = 768, 576, 7.0, 795
REFERENCE_KIND = {"loitering": "loitering", "intrusion": "zone_enter", "line_cross": "line_cross"}


def ground_truth_frames(gt_txt: Path, camera_id: str) -> list[FrameTracks]:
    """MOTChallenge ground truth (flag 1 only) as the tracks a perfect tracker would give, at 7 fps."""
    by_frame: dict[int, list[TrackedObject]] = {}
    for row in csv.reader(gt_txt.read_text().splitlines()):
        frame, track, x, y, w, h, flag = (float(v) for v in row[:7])
        if flag == 1:
            box = (x / WIDTH, y / HEIGHT, (x + w) / WIDTH, (y + h) / HEIGHT)
            by_frame.setdefault(int(frame), []).append(TrackedObject(int(track), "person", box, 1.0))
    return [FrameTracks(camera_id, n, n / FPS, tuple(by_frame.get(n, ()))) for n in range(1, LAST_FRAME + 1)]


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float


def score(events: list[AnalyticsEvent], reference_csv: Path, tolerance_s: float = 2.0) -> dict[str, Score]:
    """Precision and recall per reference kind: same zone or line, same direction, within the tolerance."""
    reference = list(csv.DictReader(reference_csv.read_text().splitlines()))
    scores = {}
    for kind, ref_kind in REFERENCE_KIND.items():
        expected = [r for r in reference if r["event"] == ref_kind]
        found = [e for e in events if e.kind == kind and e.phase in ("start", "instant")]
        matched: set[int] = set()
        for event in found:
            for i, ref in enumerate(expected):
                if (
                    i not in matched
                    and ref["zone_or_line"] == (event.zone or event.line)
                    and (ref["detail"] if ref_kind == "line_cross" else None) == event.evidence.direction
                    and abs(float(ref["time_s"]) - event.time_s) <= tolerance_s
                ):
                    matched.add(i)
                    break
        scores[ref_kind] = Score(len(matched) / max(1, len(found)), len(matched) / max(1, len(expected)))
    return scores
