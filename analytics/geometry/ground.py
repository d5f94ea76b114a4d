"""The road as a plane: image points ↔ ground metres through a homography, and the camera behind it.

Pure geometry, no I/O. Image points are normalised (x right, y down, 0–1 of width and height, as
everywhere in the analytics); the homography itself works in pixels of `image_size`, so that the
camera can be recovered from it with square pixels.

`fit_homography` is the normalised direct linear transform (Hartley and Zisserman, Multiple View
Geometry, algorithm 4.2) on four or more correspondences; `homography_problem` says why a set of
points cannot give a trustworthy one (collinear or repeated points, a view folded over its
horizon, points that disagree with each other).

`GroundPlane.camera` recovers the camera (focal length, orientation, position) from the homography
alone, assuming square pixels and the principal point at the image centre (Zhang's constraints,
r1 ⟂ r2 and |r1| = |r2|). That is what lets a box's top, which is not on the ground, be placed in
3D: see analytics.skills.vehicle_size. A camera looking straight down gives no focal length
(both constraints vanish); `camera` is then None.
"""

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analytics.geometry.coordinates import Point

Matrix = NDArray[np.float64]

# Below this ratio of the two smallest singular values' gap (see `homography_problem`) the points do
# not pin one homography down: collinear, repeated, or bunched in a corner of the picture.
MIN_CONDITION = 1e-4
# Triangles of three of four points, in Hartley-normalised coordinates (mean distance √2 from the
# centroid: a square's triangles have area 2), smaller than this are flat: the points are in a line.
MIN_TRIANGLE = 0.05
# A point marked this many pixels away from where the other points put it is a typing or marking
# mistake (a lane width typed for a dash period), not the pixel or so of marking precision.
MAX_RESIDUAL_PX = 3.0


def _normalising(points: Matrix) -> Matrix:
    """Similarity moving the centroid to 0 and the mean distance to √2 (Hartley's normalisation)."""
    centre = points.mean(axis=0)
    spread = np.sqrt(((points - centre) ** 2).sum(axis=1)).mean()
    scale = math.sqrt(2) / spread if spread > 0 else 1.0
    return np.array([[scale, 0, -scale * centre[0]], [0, scale, -scale * centre[1]], [0, 0, 1.0]])


def _apply(matrix: Matrix, points: Matrix) -> Matrix:
    homogeneous = np.c_[points, np.ones(len(points))] @ matrix.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


def _dlt(source: Matrix, target: Matrix) -> tuple[Matrix, float]:
    """Homography source → target and its condition (second smallest / largest singular value)."""
    ts, tt = _normalising(source), _normalising(target)
    s, t = _apply(ts, source), _apply(tt, target)
    rows = []
    for (x, y), (u, v) in zip(s, t, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, singular, vt = np.linalg.svd(np.array(rows))
    normalised = vt[-1].reshape(3, 3)
    matrix = np.linalg.inv(tt) @ normalised @ ts
    return matrix / np.linalg.norm(matrix), float(singular[-2] / singular[0])


def homography_problem(image_px: Sequence[Point], ground_m: Sequence[Point]) -> str | None:
    """Why these correspondences cannot calibrate a camera, in the integrator's words; None if they can."""
    if len(image_px) != len(ground_m):
        return f"{len(image_px)} image points for {len(ground_m)} ground points"
    if len(image_px) < 4:
        return f"at least 4 points are needed, got {len(image_px)}"
    image, ground = np.asarray(image_px, float), np.asarray(ground_m, float)
    matrix, condition = _dlt(ground, image)
    if condition < MIN_CONDITION or not (_spread(image) and _spread(ground)):
        return (
            "the points do not fix the ground plane (three of them on one line, two at the same place,"
            " or all bunched together): mark four points spread over the road, no three in a line"
        )
    depths = np.c_[ground, np.ones(len(ground))] @ matrix[2]
    if not (np.all(depths > 0) or np.all(depths < 0)):
        return (
            "the image points are not in the same order as their ground positions (the fit folds"
            " the road over the horizon): list them in the same order on both"
        )
    if len(image) > 4:
        # Left out in turn: with all points in the fit, one wrong point is half absorbed by the others.
        residuals = [
            float(
                np.linalg.norm(
                    _apply(_dlt(np.delete(ground, i, 0), np.delete(image, i, 0))[0], ground[i : i + 1])
                    - image[i]
                )
            )
            for i in range(len(image))
        ]
        worst = int(np.argmax(residuals))
        if residuals[worst] > MAX_RESIDUAL_PX:
            return (
                f"the points disagree: the others put point {worst} {residuals[worst]:.1f} pixels from"
                f" where it is marked (more than {MAX_RESIDUAL_PX:g}): check the ground coordinates and"
                " the places on the picture"
            )
    return None


def _spread(points: Matrix) -> bool:
    """Some four of the points have no three in a line (the smallest triangle is not flat)."""
    normalised = _apply(_normalising(points), points)
    for four in itertools.combinations(range(len(points)), 4):
        triangles = itertools.combinations(normalised[list(four)], 3)
        if min(_area(a, b, c) for a, b, c in triangles) >= MIN_TRIANGLE:
            return True
    return False


def fit_homography(image_px: Sequence[Point], ground_m: Sequence[Point]) -> Matrix:
    """The 3×3 matrix taking ground metres to image pixels; check `homography_problem` first."""
    return _dlt(np.asarray(ground_m, float), np.asarray(image_px, float))[0]


def _area(a: Matrix, b: Matrix, c: Matrix) -> float:
    return abs(float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))) / 2


@dataclass(frozen=True, slots=True)
class Camera:
    """A pinhole camera above the ground: world x, y on the ground (metres), z up."""

    focal_px: float
    rotation: Matrix  # world → camera
    centre: Matrix  # camera position in the world, metres; centre[2] is its height
    principal: tuple[float, float]

    @property
    def height_m(self) -> float:
        return float(self.centre[2])

    def ray(self, pixel: Point) -> Matrix:
        """World direction of the ray through an image pixel."""
        u, v = pixel
        cx, cy = self.principal
        return self.rotation.T @ np.array([(u - cx) / self.focal_px, (v - cy) / self.focal_px, 1.0])

    def project(self, world: Sequence[float]) -> Point:
        """Image pixel of a world point (in front of the camera)."""
        x, y, z = self.rotation @ (np.asarray(world, float) - self.centre)
        cx, cy = self.principal
        return (cx + self.focal_px * x / z, cy + self.focal_px * y / z)


def recover_camera(to_image: Matrix, image_size: tuple[int, int]) -> Camera | None:
    """The camera that sees the ground through `to_image` (ground metres → pixels), or None when the
    homography does not determine its focal length (a camera looking straight down)."""
    cx, cy = image_size[0] / 2, image_size[1] / 2
    centred = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1.0]]) @ to_image
    (a, b, _), (c, d, _), (e, f, _) = centred
    # With w = 1/focal²: r1·r2 = 0 and |r1|² = |r2|² are each linear in w.
    lhs = np.array([a * b + c * d, a * a + c * c - b * b - d * d])
    rhs = -np.array([e * f, e * e - f * f])
    if float(lhs @ lhs) <= 1e-12 * float(rhs @ rhs + 1e-30) or float(lhs @ rhs) <= 0:
        return None
    focal = 1 / math.sqrt(float(lhs @ rhs) / float(lhs @ lhs))
    if not 0.05 * image_size[0] <= focal <= 50 * image_size[0]:
        return None
    m = np.diag([1 / focal, 1 / focal, 1.0]) @ centred
    scale = 2 / (np.linalg.norm(m[:, 0]) + np.linalg.norm(m[:, 1]))
    if m[2, 2] < 0:  # the ground origin must be in front of the camera
        scale = -scale
    r1, r2, t = m[:, 0] * scale, m[:, 1] * scale, m[:, 2] * scale
    u, _, vt = np.linalg.svd(np.c_[r1, r2, np.cross(r1, r2)])
    rotation = u @ vt
    centre = -rotation.T @ t
    if centre[2] < 0:
        # The integrator's ground axes are left-handed seen from above: z = x × y points down.
        # Mirror z so that heights come out positive; ground coordinates are unchanged.
        flip = np.diag([1.0, 1.0, -1.0])
        rotation, centre = rotation @ flip, flip @ centre
    return Camera(focal, rotation, centre, (cx, cy))


class GroundPlane:
    """A calibrated camera's ground: normalised image points ↔ ground metres."""

    def __init__(self, to_image: Matrix, image_size: tuple[int, int]) -> None:
        self.image_size = image_size
        self._to_image = to_image
        self._to_ground: Matrix = np.linalg.inv(to_image).astype(np.float64)
        self.camera = recover_camera(to_image, image_size)

    def pixel(self, point: Point) -> Point:
        return (point[0] * self.image_size[0], point[1] * self.image_size[1])

    def to_ground(self, point: Point) -> Point:
        """Ground metres of a normalised image point (on the ground)."""
        ((x, y),) = _apply(self._to_ground, np.array([self.pixel(point)]))
        return (float(x), float(y))

    def to_image(self, ground: Point) -> Point:
        """Normalised image point of a ground position."""
        ((u, v),) = _apply(self._to_image, np.array([ground], float))
        return (float(u) / self.image_size[0], float(v) / self.image_size[1])

    def pixels_per_metre(self, ground: Point, direction: Point) -> float:
        """Image pixels spanned by one metre on the ground at `ground`, along the ground `direction`."""
        norm = math.hypot(*direction)
        step = (direction[0] / norm * 0.5, direction[1] / norm * 0.5)
        ahead = self.pixel(self.to_image((ground[0] + step[0], ground[1] + step[1])))
        behind = self.pixel(self.to_image((ground[0] - step[0], ground[1] - step[1])))
        return math.hypot(ahead[0] - behind[0], ahead[1] - behind[1])

    def pixels_per_metre_across(self, segment: tuple[Point, Point]) -> float:
        """Resolution where traffic meets a counting line: pixels per metre, at the line's middle, of
        a movement square to the line on the ground (what a vehicle's length and speed are read from)."""
        a, b = self.to_ground(segment[0]), self.to_ground(segment[1])
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        return self.pixels_per_metre(middle, (-(b[1] - a[1]), b[0] - a[0]))
