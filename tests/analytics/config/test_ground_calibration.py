"""[cameras.ground] in the integrator's file: computed at load, refused with the key that is wrong."""

from pathlib import Path

import pytest

from analytics.config.loader import ConfigError, load_analytics_site
from tests.support.ground_camera import LANE_CORNERS_M, mast_camera, normalised

CAMERA = mast_camera()
CORNERS = [normalised(CAMERA.project((x, y, 0.0))) for x, y in LANE_CORNERS_M]


def toml_points(corners: list[tuple[float, float]]) -> str:
    return "[" + ", ".join(f"[{float(u)}, {float(v)}]" for u, v in corners) + "]"


def site(tmp_path: Path, ground: str, name: str = "site.toml") -> Path:
    path = tmp_path / name
    path.write_text(
        '[[cameras]]\nid = "0a000000-0000-4e75-0000-000000000001"\n\n'
        "[cameras.ground]\nimage_size = [1280, 720]\n" + ground
    )
    return path


def points(corners: list[tuple[float, float]], ground: list[tuple[float, float]]) -> str:
    return "".join(
        f"[[cameras.ground.points]]\nimage = [{float(u)}, {float(v)}]\nground = [{x}, {y}]\n"
        for (u, v), (x, y) in zip(corners, ground, strict=True)
    )


def test_lane_dashes_calibrate_like_the_same_points_measured(tmp_path):
    lane = (
        f"[cameras.ground.lane]\ncorners = {toml_points(CORNERS)}\nlane_width_m = 3.5\ndash_period_m = 13\n"
    )
    by_lane = load_analytics_site(site(tmp_path, lane, "lane.toml"))
    shifted = [(x, y - 10.0) for x, y in LANE_CORNERS_M]  # the lane's own origin: its first corner
    by_points = load_analytics_site(site(tmp_path, points(CORNERS, shifted), "points.toml"))
    for probe in [(0.5, 0.6), (0.3, 0.4)]:
        assert by_lane.cameras[0].ground.plane.to_ground(probe) == pytest.approx(
            by_points.cameras[0].ground.plane.to_ground(probe), abs=1e-6
        )


def test_points_in_a_line_are_refused_naming_the_key(tmp_path):
    in_a_line = [(0.0, 10.0), (3.5, 10.0), (7.0, 10.0), (0.0, 23.0)]
    image = [normalised(CAMERA.project((x, y, 0.0))) for x, y in in_a_line]
    with pytest.raises(ConfigError) as error:
        load_analytics_site(site(tmp_path, points(image, in_a_line)))
    assert [p.key for p in error.value.problems] == ["cameras[0].ground.points"]
    assert "no three in a line" in error.value.problems[0].message


def test_a_typing_mistake_in_a_lane_is_refused_naming_the_key(tmp_path):
    # Corners listed clockwise from the far side: the fit would fold the road over the horizon.
    reordered = [CORNERS[1], CORNERS[0], CORNERS[2], CORNERS[3]]
    lane = f"[cameras.ground.lane]\ncorners = {toml_points(reordered)}\nlane_width_m = 3.5\n"
    with pytest.raises(ConfigError) as error:
        load_analytics_site(site(tmp_path, lane))
    assert [p.key for p in error.value.problems] == ["cameras[0].ground.lane"]


def test_neither_points_nor_lane_is_refused(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_analytics_site(site(tmp_path, ""))
    assert [p.key for p in error.value.problems] == ["cameras[0].ground"]
    assert "either `points` or `lane`" in error.value.problems[0].message
