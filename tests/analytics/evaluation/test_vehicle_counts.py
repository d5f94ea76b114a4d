"""Counts against hand-annotated crossings: one-to-one pairing, misses, extras and class confusion."""

import json
from pathlib import Path

from analytics.evaluation.vehicle_counts import Crossing, read_counted, read_crossings, score_counts


def test_pairs_within_the_tolerance_give_the_confusion_and_the_rest_misses_and_extras() -> None:
    reference = [
        Crossing("l", "A->B", 100, "car"),
        Crossing("l", "A->B", 200, "van"),
        Crossing("l", "A->B", 300, "truck"),
        Crossing("l", "B->A", 400, "car"),
    ]
    counted = [
        Crossing("l", "A->B", 104, "car"),
        Crossing("l", "A->B", 190, "car"),
        Crossing("l", "A->B", 360, "truck"),  # 60 frames late: not the truck
        Crossing("l", "A->B", 500, "car"),
        Crossing("l", "B->A", 401, "car"),
    ]
    scores = score_counts(counted, reference, tolerance_frames=30)
    assert scores.confusion == {
        ("car", "car"): 2,
        ("van", "car"): 1,
        ("truck", "missed"): 1,
        ("extra", "truck"): 1,
        ("extra", "car"): 1,
    }
    assert scores.counted[("l", "A->B")] == 4 and scores.reference[("l", "A->B")] == 3
    assert scores.count_error(("l", "A->B")) == 1 / 3
    assert scores.count_error(("l", "B->A")) == 0.0
    assert "van" in scores.summary()


def test_reads_the_reference_csv_and_our_line_cross_events(tmp_path: Path) -> None:
    csv_path = tmp_path / "crossings.csv"
    csv_path.write_text('vehicle,frame,line,direction,class,lane,doubt\n1,136,l,A->B,van,left,"a van"\n')
    assert read_crossings(csv_path) == [Crossing("l", "A->B", 136, "van")]
    events = tmp_path / "events.jsonl"
    line_cross = {
        "kind": "line_cross",
        "line": "l",
        "frame": 138,
        "class": "car",
        "evidence": {"direction": "A->B"},
    }
    events.write_text(json.dumps(line_cross) + "\n" + json.dumps({"kind": "intrusion", "zone": "z"}) + "\n")
    assert read_counted(events) == [Crossing("l", "A->B", 138, "car")]
