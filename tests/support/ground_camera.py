"""A synthetic pinhole camera on a mast above a straight road, and vehicles it films.

The camera is built from its position, angles and focal length; the homography the tests calibrate
with is read off it (four road points projected), so every length, height and speed the product
measures has an exact answer. A vehicle is the vertical slab the measurement model assumes: its
box's bottom is its near end on the road, its top the far end's roof.
"""

import math
from dataclasses import dataclass

import numpy as np

from analytics.config.ground import GroundCalibration
from analytics.frame_tracks import FrameTracks, TrackedObject
from analytics.geometry.ground import Camera

IMAGE_SIZE = (1280, 720)
# Four corners of a 3.5 m × 13 m lane rectangle (a French T1 dash period), metres.
LANE_CORNERS_M = [(0.0, 10.0), (3.5, 10.0), (3.5, 23.0), (0.0, 23.0)]


def mast_camera(height_m: float = 10.0, tilt_deg: float = 25.0, focal_px: float = 900.0) -> Camera:
    """A camera above (0, -5) looking along +y, down by `tilt_deg`."""
    tilt = math.radians(tilt_deg)
    forward = np.array([0.0, math.cos(tilt), -math.sin(tilt)])
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    return Camera(
        focal_px,
        np.array([right, down, forward]),
        np.array([0.0, -5.0, height_m]),
        (IMAGE_SIZE[0] / 2, IMAGE_SIZE[1] / 2),
    )


def normalised(pixel: tuple[float, float]) -> tuple[float, float]:
    return (pixel[0] / IMAGE_SIZE[0], pixel[1] / IMAGE_SIZE[1])


def calibration(camera: Camera) -> GroundCalibration:
    """The integrator's points: the lane rectangle's corners as the camera sees them."""
    return GroundCalibration.model_validate(
        {
            "image_size": IMAGE_SIZE,
            "points": [
                {"image": normalised(camera.project((x, y, 0.0))), "ground": (x, y)}
                for x, y in LANE_CORNERS_M
            ],
        }
    )


@dataclass(frozen=True)
class Vehicle:
    track_id: int
    class_name: str
    length_m: float
    height_m: float
    speed_ms: float  # towards the camera (y decreasing)
    start_y_m: float  # near end at t = 0
    x_m: float = 0.0

    def box(self, camera: Camera, t: float, whole_pixels: bool = False) -> tuple[float, float, float, float]:
        near_y = self.start_y_m - self.speed_ms * t
        bottom = camera.project((self.x_m, near_y, 0.0))
        top = camera.project((self.x_m, near_y + self.length_m, self.height_m))
        if whole_pixels:
            bottom, top = (round(bottom[0]), round(bottom[1])), (round(top[0]), round(top[1]))
        (x, y2), (_, y1) = normalised(bottom), normalised(top)
        half = 20 / IMAGE_SIZE[0]
        return (x - half, y1, x + half, y2)


def filmed(
    camera: Camera, vehicles: list[Vehicle], fps: float, until_s: float, whole_pixels: bool = False
) -> list[FrameTracks]:
    frames = []
    for index in range(int(until_s * fps)):
        t = index / fps
        objects = tuple(
            TrackedObject(v.track_id, v.class_name, v.box(camera, t, whole_pixels), 0.8)
            for v in vehicles
            if 0.0 < v.box(camera, t)[3] < 1.0  # near end inside the picture
        )
        frames.append(FrameTracks("00000001-0000-babe-0000-00408ca1eb95", index + 1, t, objects))
    return frames
