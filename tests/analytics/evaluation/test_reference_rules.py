"""The written reference rules on hand-made trajectories: entries, dwells and crossings a perfect
observer reports, and the edge band where either side is tolerated."""

from analytics.evaluation.event_matching import Occurrence, by_kind, match_events
from analytics.evaluation.reference_rules import line_crossings, reference_events, zone_visits

FPS = 10.0
HEIGHT = 0.2  # every walker's box height: the band is 0.1 × 0.2 = 0.02
SQUARE = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)]
VERTICAL = ((0.5, 0.3), (0.5, 0.7))  # A above B: cross(B − A, P − A) > 0 left of it


def walk(start_frame: int, points: list[tuple[float, float]]) -> list[tuple[int, tuple[float, float], float]]:
    return [(start_frame + i, p, HEIGHT) for i, p in enumerate(points)]


def horizontal(x0: float, x1: float, steps: int, y: float = 0.5) -> list[tuple[float, float]]:
    return [(x0 + (x1 - x0) * i / (steps - 1), y) for i in range(steps)]


def test_a_walker_crossing_the_line_is_one_required_crossing_at_the_frame_it_changed_side() -> None:
    path = walk(1, horizontal(0.40, 0.60, 21))  # 0.01 per frame, on the line at frame 11
    required, allowed = line_crossings(path, VERTICAL, max_gap_frames=10, tolerance=0.1)
    assert required == [(11, "A->B")]  # x 0.50 at frame 11: on the line is off the positive side
    assert allowed == required


def test_a_step_onto_the_line_and_back_is_allowed_but_not_required() -> None:
    path = walk(1, [(0.47, 0.5), (0.49, 0.5), (0.505, 0.5), (0.49, 0.5), (0.47, 0.5)])
    required, allowed = line_crossings(path, VERTICAL, max_gap_frames=10, tolerance=0.1)
    assert required == []
    assert allowed == [(3, "A->B"), (4, "B->A")]


def test_a_clear_back_and_forth_is_two_crossings_and_a_pass_beyond_the_segment_none() -> None:
    there_and_back = walk(1, [*horizontal(0.45, 0.55, 11), *horizontal(0.55, 0.45, 11)[1:]])
    required, _ = line_crossings(there_and_back, VERTICAL, max_gap_frames=10, tolerance=0.1)
    assert [d for _, d in required] == ["A->B", "B->A"]
    below_the_segment = walk(1, horizontal(0.4, 0.6, 21, y=0.8))
    assert line_crossings(below_the_segment, VERTICAL, max_gap_frames=10, tolerance=0.1) == ([], [])


def test_a_crossing_hidden_longer_than_the_gap_is_not_a_crossing() -> None:
    path = [(1, (0.45, 0.5), HEIGHT), (2, (0.46, 0.5), HEIGHT), (30, (0.55, 0.5), HEIGHT)]
    assert line_crossings(path, VERTICAL, max_gap_frames=10, tolerance=0.1) == ([], [])


def test_a_clear_entry_is_required_and_dated_where_the_feet_entered_the_polygon() -> None:
    path = walk(1, horizontal(0.30, 0.50, 21))  # inside from x 0.4 (frame 11), clearly from 0.42
    tolerant, plain, strict = zone_visits(path, SQUARE, max_gap_frames=10, tolerance=0.1)
    assert [v.first for v in plain] == [11]
    assert [(v.first, bool(v.clearly)) for v in tolerant] == [(11, True)]
    assert [v.first for v in strict] == [13]


def test_a_graze_of_the_edge_is_allowed_but_not_required() -> None:
    path = walk(1, [(0.35, 0.5), (0.39, 0.5), (0.405, 0.5), (0.39, 0.5), (0.35, 0.5)])
    reference = reference_events({1: path}, {"square": SQUARE}, {}, FPS, {"square": 5.0})
    assert reference.required == []
    assert [o.kind for o in reference.allowed] == ["zone_enter", "zone_enter"]  # band-tolerant and plain


def test_loitering_comes_once_the_visit_has_lasted_the_threshold() -> None:
    staying = walk(1, [(0.3, 0.5)] * 5 + [(0.5, 0.5)] * 80)  # in from frame 6 (0.5 s) for 8 s
    reference = reference_events({1: staying}, {"square": SQUARE}, {}, FPS, {"square": 5.0})
    assert reference.required == [
        Occurrence("loitering", "square", None, 5.5),
        Occurrence("zone_enter", "square", None, 0.5),
    ]


def test_absences_up_to_the_gap_keep_one_visit_and_longer_ones_make_two() -> None:
    inside, outside = [(0.5, 0.5)] * 5, [(0.2, 0.5)]
    short_break = walk(1, inside + outside * 9 + inside)  # 10 frames between two frames inside: 1 s
    long_break = walk(1, inside + outside * 10 + inside)
    for path, visits in ((short_break, 1), (long_break, 2)):
        reference = reference_events({1: path}, {"square": SQUARE}, {}, FPS, {"square": 60.0})
        assert len(reference.required) == visits


def test_with_no_band_every_graze_is_required() -> None:
    path = walk(1, [(0.35, 0.5), (0.39, 0.5), (0.405, 0.5), (0.39, 0.5), (0.35, 0.5)])
    reference = reference_events({1: path}, {"square": SQUARE}, {}, FPS, {"square": 5.0}, tolerance=0.0)
    assert reference.required == [Occurrence("zone_enter", "square", None, 0.2)]


def test_a_report_matching_only_an_allowed_event_is_neither_true_nor_false() -> None:
    required = [Occurrence("zone_enter", "z", None, 10.0)]
    allowed = [*required, Occurrence("zone_enter", "z", None, 30.0)]
    predicted = [Occurrence("zone_enter", "z", None, t) for t in (10.5, 30.4, 50.0)]
    (scores,) = by_kind(match_events(predicted, required, 2.0, allowed))
    assert (scores.true_positives, scores.false_positives, scores.misses) == (1, 1, 0)
