"""End-to-end accuracy on PETS2009 S2.L1: detector → tracker → skills, as `analytics run` does it.

All tests read the one session-wide run of `tests.support.pets_run`; events are scored by the same
code as `analytics eval` (per kind, zone or line, direction, ±2 s).
"""

import csv
from collections import Counter

import pytest

from analytics.evaluation.event_matching import by_kind, match_events, read_events, read_reference
from analytics.evaluation.mot_metrics import evaluate_mot
from analytics.evaluation.motchallenge import read_mot
from tests.support.pets_run import PetsRun, pets_run  # noqa: F401  (the fixture)
from tests.support.single_command import run_command

TARGETS = {"loitering": (0.90, 0.85), "zone_enter": (0.90, 0.85), "line_cross": (0.90, 0.85)}
# The two vehicles parked for the whole clip, bottom-centre in pixels of 768×576 (reference README).
PARKED = {"van": ((651 + 725) / 2 / 768, 99 / 576), "car": ((731 + 767) / 2 / 768, 94 / 576)}
PARKING_ZONE = "parked_top_right"


def test_tracks_meet_the_tracking_targets(pets_run: PetsRun, shared_asset, capsys) -> None:  # noqa: F811
    """All 795 frames at the true 7 fps, scored against the ground truth with the far footpath
    (foot above y = 150 px, not annotated) ignored from both sides, as `analytics eval` does it."""
    gt_path = shared_asset("data/pets09-s2l1/gt/gt.txt")
    tracks = pets_run.out / "tracks.txt"
    assert max(int(line.split(",")[0]) for line in tracks.read_text().splitlines()) == 795
    scores = evaluate_mot(
        read_mot(gt_path, ground_truth=True, min_foot_y=150), read_mot(tracks, min_foot_y=150)
    )
    assert scores.mota >= 0.80, scores.summary()
    assert scores.idf1 >= 0.85, scores.summary()
    argv = ["eval", str(pets_run.out), "--gt", str(gt_path), "--min-foot-y", "150"]
    assert run_command("analytics.commands.evaluate", argv) == 0
    assert f"MOTA {scores.mota:.3f}  IDF1 {scores.idf1:.3f}" in capsys.readouterr().out


@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_events_meet_the_precision_and_recall_targets(pets_run: PetsRun, kind: str) -> None:  # noqa: F811
    scores = by_kind(
        match_events(read_events(pets_run.events_jsonl), read_reference(pets_run.reference_events))
    )
    result = next(s for s in scores if s.kind == kind)
    precision, recall = TARGETS[kind]
    assert result.precision >= precision and result.recall >= recall, result


def test_each_parked_vehicle_is_reported_once_and_nothing_else_there(pets_run: PetsRun) -> None:  # noqa: F811
    parking = [e for e in pets_run.events() if e.get("zone") == PARKING_ZONE]
    starts = [e for e in parking if e["phase"] == "start"]
    assert len(starts) == 2, starts
    assert {e["track_id"] for e in parking} == {e["track_id"] for e in starts}  # no other object there
    for name, (x, y) in PARKED.items():
        near = [e for e in starts if _close(e["evidence"]["positions"][-1], (x, y), 0.03)]
        assert len(near) == 1, (name, starts)
        assert near[0]["class"] in ("car", "truck", "bus")


def test_line_counts_match_the_reference_crossings(pets_run: PetsRun) -> None:  # noqa: F811
    with (pets_run.out / "counts.csv").open(newline="") as file:
        counted = Counter()
        for row in csv.DictReader(file):
            counted[row["line"], row["direction"]] += int(row["count"])
    expected = Counter(
        (o.target, o.direction) for o in read_reference(pets_run.reference_events) if o.kind == "line_cross"
    )
    assert set(counted) == set(expected)
    for key, count in expected.items():
        assert abs(counted[key] - count) <= 1, (key, counted[key], count)


def _close(a: list[float], b: tuple[float, float], tolerance: float) -> bool:
    return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance
