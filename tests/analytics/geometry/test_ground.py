"""The ground plane against a synthetic camera whose every answer is known."""

import math

import numpy as np
import pytest

from analytics.geometry.ground import GroundPlane, fit_homography, homography_problem
from tests.support.ground_camera import IMAGE_SIZE, LANE_CORNERS_M, mast_camera, normalised

CAMERA = mast_camera(height_m=10.0, tilt_deg=25.0, focal_px=900.0)
IMAGE = [CAMERA.project((x, y, 0.0)) for x, y in LANE_CORNERS_M]


def plane() -> GroundPlane:
    return GroundPlane(fit_homography(IMAGE, LANE_CORNERS_M), IMAGE_SIZE)


def test_image_points_map_to_their_ground_positions_and_back():
    for ground in [(1.0, 12.0), (-4.0, 40.0), (8.0, 15.5)]:
        seen = normalised(CAMERA.project((*ground, 0.0)))
        assert plane().to_ground(seen) == pytest.approx(ground, abs=1e-6)
        assert plane().to_image(ground) == pytest.approx(seen, abs=1e-9)


def test_the_camera_is_recovered_from_the_homography_alone():
    camera = plane().camera
    assert camera is not None
    assert camera.focal_px == pytest.approx(900.0)
    assert camera.centre == pytest.approx(np.array([0.0, -5.0, 10.0]))


def test_a_camera_looking_straight_down_has_no_focal_length():
    down = mast_camera(height_m=30.0, tilt_deg=90.0)
    image = [down.project((x, y, 0.0)) for x, y in [(-5, -10), (5, -10), (5, 0), (-5, 0)]]
    assert (
        GroundPlane(fit_homography(image, [(-5, -10), (5, -10), (5, 0), (-5, 0)]), IMAGE_SIZE).camera is None
    )


def test_pixels_per_metre_across_a_counting_line():
    # A line across the road at y = 20 m: one metre along the road there, as the camera draws it.
    line = (normalised(CAMERA.project((-3.0, 20.0, 0.0))), normalised(CAMERA.project((6.0, 20.0, 0.0))))
    ahead, behind = CAMERA.project((1.5, 20.5, 0.0)), CAMERA.project((1.5, 19.5, 0.0))
    assert plane().pixels_per_metre_across(line) == pytest.approx(math.dist(ahead, behind), rel=1e-6)


def test_points_in_a_line_are_refused():
    in_a_line = [(0.0, 10.0), (3.5, 10.0), (7.0, 10.0), (0.0, 23.0)]
    image = [CAMERA.project((x, y, 0.0)) for x, y in in_a_line]
    assert "no three in a line" in (homography_problem(image, in_a_line) or "")


def test_points_listed_in_another_order_are_refused():
    swapped = [LANE_CORNERS_M[1], LANE_CORNERS_M[0], *LANE_CORNERS_M[2:]]
    assert "same order" in (homography_problem(IMAGE, swapped) or "")


def test_a_fifth_point_that_disagrees_is_refused_and_one_that_agrees_is_not():
    fifth = CAMERA.project((7.0, 40.0, 0.0))
    assert homography_problem([*IMAGE, fifth], [*LANE_CORNERS_M, (7.0, 40.0)]) is None
    assert "disagree" in (homography_problem([*IMAGE, fifth], [*LANE_CORNERS_M, (7.0, 42.0)]) or "")


def test_fewer_than_four_points_are_refused():
    assert "at least 4" in (homography_problem(IMAGE[:3], LANE_CORNERS_M[:3]) or "")
