"""A synthetic pinhole camera on a mast above a straight road, and vehicles it films.

The camera is built from its position, angles and focal length; the homography the tests calibrate
with is read off it (four road points projected), so every length, height and speed the product
measures has an exact answer. A vehicle is a box on the road (length, width, height, heading);
its image box is the bounding box of its eight corners as the camera sees them, as a detector's
box bounds the vehicle's outline.
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
    speed_ms: float  # along its heading
    start_y_m: float  # at t = 0 the footprint's centre is half a length beyond this (head-on: its near end)
    x_m: float = 0.0
    width_m: float = 1.8
    heading_deg: float = -90.0  # direction of travel on the ground: -90 is towards the camera (-y)

    def centre(self, t: float) -> np.ndarray:
        """Ground centre of the footprint at time t."""
        start = np.array([self.x_m, self.start_y_m + self.length_m / 2])
        return start + self.along() * self.speed_ms * t

    def along(self) -> np.ndarray:
        angle = math.radians(self.heading_deg)
        return np.array([math.cos(angle), math.sin(angle)])

    def box(self, camera: Camera, t: float, whole_pixels: bool = False) -> tuple[float, float, float, float]:
        along = self.along()
        across = np.array([-along[1], along[0]])
        centre = self.centre(t)
        pixels = np.array(
            [
                camera.project((*(centre + a * self.length_m / 2 * along + b * self.width_m / 2 * across), z))
                for a in (-1, 1)
                for b in (-1, 1)
                for z in (0.0, self.height_m)
            ]
        )
        x1, y1 = pixels.min(axis=0)
        x2, y2 = pixels.max(axis=0)
        if whole_pixels:
            x1, y1, x2, y2 = (round(v) for v in (x1, y1, x2, y2))
        (x1, y1), (x2, y2) = normalised((x1, y1)), normalised((x2, y2))
        return (float(x1), float(y1), float(x2), float(y2))


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
