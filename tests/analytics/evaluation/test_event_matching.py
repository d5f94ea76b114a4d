import json
from pathlib import Path

import pytest

from analytics.evaluation.event_matching import (
    Occurrence,
    by_kind,
    format_event_scores,
    match_events,
    read_events,
    read_reference,
)


def _cross(time_s: float, direction: str = "A->B", line: str = "path") -> Occurrence:
    return Occurrence("line_cross", line, direction, time_s)


def test_one_to_one_within_tolerance() -> None:
    """Two of ours near one reference crossing: one match, one false positive; a reference crossing
    3 s away from anything is missed."""
    scores = match_events([_cross(10.0), _cross(11.5)], [_cross(11.0), _cross(30.0)], tolerance_s=2.0)
    assert len(scores) == 1
    s = scores[0]
    assert (s.true_positives, s.false_positives, s.misses) == (1, 1, 1)
    assert s.precision == 0.5
    assert s.recall == 0.5
    assert s.false_positive_share == 0.5


def test_direction_and_line_must_agree() -> None:
    scores = match_events([_cross(5.0, "B->A"), _cross(5.0, line="road")], [_cross(5.0)], tolerance_s=2.0)
    assert {(s.target, s.true_positives, s.false_positives, s.misses) for s in scores} == {
        ("path", 0, 1, 1),
        ("road", 0, 1, 0),
    }


def test_assignment_maximises_matches() -> None:
    """Greedy nearest matching would pair 2.0 with 1.5 and leave 0.0 alone; one-to-one optimal
    matching pairs 0.0–1.5 and 2.0–3.5."""
    scores = match_events([_cross(0.0), _cross(2.0)], [_cross(1.5), _cross(3.5)], tolerance_s=1.5)
    assert scores[0].true_positives == 2


def test_reading_maps_our_kinds_and_drops_end_phases(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    base = {"camera": "c", "class": "person", "track_id": 1, "frame": 8, "time_s": 1.0}
    lines = [
        {**base, "kind": "intrusion", "phase": "instant", "zone": "z"},
        {**base, "kind": "loitering", "phase": "start", "zone": "z"},
        {**base, "kind": "loitering", "phase": "end", "zone": "z"},
        {**base, "kind": "line_cross", "phase": "instant", "line": "l", "evidence": {"direction": "B->A"}},
        {**base, "kind": "parking", "phase": "start", "zone": "z"},
        {**base, "kind": "red_light", "phase": "instant", "line": "stop", "evidence": {"direction": "A->B"}},
    ]
    events.write_text("\n".join(json.dumps(e) for e in lines) + "\n")
    assert read_events(events) == [
        Occurrence("zone_enter", "z", None, 1.0),
        Occurrence("loitering", "z", None, 1.0),
        Occurrence("line_cross", "l", "B->A", 1.0),
        Occurrence("red_light", "stop", None, 1.0),
    ]
    reference = tmp_path / "events.csv"
    reference.write_text(
        "event,zone_or_line,track_id,frame,time_s,detail\nline_cross,l,15,14,2.00,A->B\nzone_enter,z,3,9,1.14,\n"
    )
    assert read_reference(reference) == [
        Occurrence("line_cross", "l", "A->B", 2.0),
        Occurrence("zone_enter", "z", None, 1.14),
    ]


def test_totals_per_kind_and_table() -> None:
    scores = match_events(
        [_cross(1.0), _cross(1.0, line="road")], [_cross(1.0), _cross(9.0, line="road")], tolerance_s=2.0
    )
    (total,) = by_kind(scores)
    assert (total.target, total.true_positives, total.false_positives, total.misses) == ("all", 1, 1, 1)
    assert "line_cross  all" in format_event_scores(scores)


def test_offline_false_alert_rate_speaks_the_trust_loops_language() -> None:
    # 29 crossings all in the reference: no false alert, the gate opens exactly as on a live camera.
    times = [float(10 * n) for n in range(29)]
    (scores,) = match_events([_cross(t) for t in times], [_cross(t) for t in times])
    rate = scores.false_alert_rate
    assert (rate.false_alerts, rate.judged) == (0, 29)
    assert rate.exact_upper == pytest.approx(1 - 0.05 ** (1 / 29))
    (one_short,) = match_events([_cross(t) for t in times[:28]], [_cross(t) for t in times[:28]])
    table = format_event_scores([scores]).splitlines()
    assert table[0].endswith("gate<10%") and table[1].endswith(" yes")
    assert format_event_scores([one_short]).splitlines()[1].endswith(" no")
    # One alert that matches nothing: precision and rate from the same counts.
    (with_false,) = match_events([_cross(t) for t in [*times, 500.0]], [_cross(t) for t in times])
    assert with_false.false_alert_rate.rate == pytest.approx(1 / 30)
    assert with_false.false_alert_rate.precision == pytest.approx(with_false.precision)
