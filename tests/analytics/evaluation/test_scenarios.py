"""The scenario generator: same seed, same zones and lines; splits by seed; shapes as announced."""

import math

from analytics.evaluation.scenarios import SceneArea, generate, generate_many, split_of
from analytics.geometry.plane import point_in_polygon

# A walking path along the middle of the frame, as annotated foot positions would give it.
AREA = SceneArea(top=0.3, bottom=1.0, walk_points=[(x / 20, 0.6) for x in range(21)])


def test_the_same_seed_gives_the_same_scenario_and_another_seed_another() -> None:
    assert generate(7, AREA) == generate(7, AREA)
    assert generate(7, AREA) != generate(8, AREA)
    assert generate_many(10, 5, AREA) == [generate(seed, AREA) for seed in range(10, 15)]


def test_even_seeds_tune_and_odd_seeds_report() -> None:
    assert [split_of(seed) for seed in range(4)] == ["tuning", "report", "tuning", "report"]
    assert {s.split for s in generate_many(0, 10, AREA)} == {"tuning", "report"}


def test_zones_and_lines_stay_in_the_annotated_area_with_every_shape_and_placement() -> None:
    scenarios = generate_many(0, 60, AREA)
    zones = [z for s in scenarios for z in s.zones]
    lines = [line for s in scenarios for line in s.lines]
    assert {z.shape for z in zones} == {"rectangle", "convex", "star"}
    assert {z.placement for z in zones} == {"path", "anywhere"}
    assert {line.placement for line in lines} == {"path", "anywhere"}
    for z in zones:
        assert len(z.polygon) >= 3
        assert all(0.0 <= x <= 1.0 and AREA.top <= y <= AREA.bottom for x, y in z.polygon)
    for line in lines:
        assert all(0.0 <= x <= 1.0 and AREA.top <= y <= AREA.bottom for x, y in line.segment)
        assert math.dist(*line.segment) >= 0.04
    assert len({round(math.atan2(b[1] - a[1], b[0] - a[0]), 1) for a, b in (li.segment for li in lines)}) > 10


def test_a_star_zone_is_not_convex() -> None:
    star = next(z for s in generate_many(0, 40, AREA) for z in s.zones if z.shape == "star")
    # The midpoint between two outer vertices skips an inner vertex: outside a non-convex polygon.
    outer = star.polygon[0], star.polygon[2]
    midpoints = [
        ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in zip(star.polygon, star.polygon[2:], strict=False)
    ]
    assert outer and not all(point_in_polygon(m, star.polygon) for m in midpoints)


def test_a_scenario_is_a_camera_with_intrusion_and_loitering_per_zone_and_counting_per_line() -> None:
    scenario = generate(3, AREA)
    camera = scenario.camera("00000000-0000-4e75-0000-000000000003", fps=7)
    kinds = sorted((c.kind, c.target) for c in camera.skills)
    assert kinds == sorted(
        [("intrusion", z.name) for z in scenario.zones]
        + [("loitering", z.name) for z in scenario.zones]
        + [("counting", line.name) for line in scenario.lines]
    )
    loitering = [c for c in camera.skills if c.kind == "loitering"]
    assert [c.min_dwell_s for c in loitering] == [z.dwell_s for z in scenario.zones]
