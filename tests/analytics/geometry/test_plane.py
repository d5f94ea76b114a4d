import pytest

from analytics.geometry.plane import (
    along_segment,
    anchor_point,
    point_in_polygon,
    side_with_hysteresis,
    signed_distance,
)

SQUARE = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)]


def test_anchors():
    box = (0.2, 0.2, 0.4, 0.6)
    assert anchor_point(box) == pytest.approx((0.3, 0.6))
    assert anchor_point(box, "center") == pytest.approx((0.3, 0.4))
    with pytest.raises(ValueError):
        anchor_point(box, "top")


@pytest.mark.parametrize(("point", "inside"), [((0.5, 0.5), True), ((0.3, 0.5), False), ((0.5, 0.61), False)])
def test_point_in_polygon(point, inside):
    assert point_in_polygon(point, SQUARE) is inside


def test_point_in_concave_polygon():
    u_shape = [(0, 0), (1, 0), (1, 1), (0.7, 1), (0.7, 0.3), (0.3, 0.3), (0.3, 1), (0, 1)]
    assert point_in_polygon((0.5, 0.8), u_shape) is False
    assert point_in_polygon((0.15, 0.8), u_shape) is True


def test_signed_distance_sign_convention_in_image_coordinates():
    # A=(0.5,0.2) -> B=(0.5,0.8) points down the image; cross(B-A, P-A) > 0 for x < 0.5.
    segment = ((0.5, 0.2), (0.5, 0.8))
    assert signed_distance((0.4, 0.5), segment) == pytest.approx(0.1)
    assert signed_distance((0.6, 0.5), segment) == pytest.approx(-0.1)
    assert along_segment((0.4, 0.5), segment) == pytest.approx(0.5)
    assert along_segment((0.4, 0.9), segment) > 1


def test_hysteresis_keeps_the_previous_side_inside_the_band():
    assert side_with_hysteresis(0.005, -1, 0.01) == -1
    assert side_with_hysteresis(0.02, -1, 0.01) == 1
    assert side_with_hysteresis(-0.02, 1, 0.01) == -1
    assert side_with_hysteresis(0.0, 0, 0.01) == 0
