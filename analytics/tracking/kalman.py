"""Constant-velocity Kalman filter of one box, stepped by elapsed seconds rather than frames.

State: centre x, centre y, width, height and their rates per second. Noises scale with the box
height, so a far pedestrian and a near one are followed with the same relative tolerance.
"""

import numpy as np

# Standard deviations as fractions of the box height (velocities: of height per second). A low
# velocity noise keeps the walking direction through an occlusion or a crossing; detector boxes
# jitter by about a tenth of their height.
_MEASUREMENT_STD = 0.1
_INITIAL_VELOCITY_STD = 1.0
_PROCESS_POSITION_STD = 0.05
_PROCESS_VELOCITY_STD = 0.2

_H = np.hstack((np.eye(4), np.zeros((4, 4))))


class BoxKalman:
    def __init__(self, cxcywh: np.ndarray) -> None:
        self.mean = np.concatenate((cxcywh, np.zeros(4)))
        h = cxcywh[3]
        self.covariance = np.diag(
            np.square(np.r_[[2 * _MEASUREMENT_STD * h] * 4, [_INITIAL_VELOCITY_STD * h] * 4])
        )

    def predict(self, dt: float) -> None:
        transition = np.eye(8)
        transition[:4, 4:] = dt * np.eye(4)
        h = self.mean[3]
        noise = np.diag(np.square(np.r_[[_PROCESS_POSITION_STD * h] * 4, [_PROCESS_VELOCITY_STD * h] * 4]))
        self.mean = transition @ self.mean
        # Width and height must not collapse when a shrinking box is extrapolated through a gap.
        self.mean[2:4] = np.maximum(self.mean[2:4], 1.0)
        self.covariance = transition @ self.covariance @ transition.T + noise * max(dt, 1e-3)

    def update(self, cxcywh: np.ndarray) -> None:
        std = _MEASUREMENT_STD * self.mean[3]
        innovation_cov = _H @ self.covariance @ _H.T + np.eye(4) * std**2
        gain = np.linalg.solve(innovation_cov, _H @ self.covariance).T
        self.mean = self.mean + gain @ (cxcywh - _H @ self.mean)
        self.covariance = (np.eye(8) - gain @ _H) @ self.covariance

    @property
    def cxcywh(self) -> np.ndarray:
        return self.mean[:4]


def xyxy_to_cxcywh(xyxy: np.ndarray) -> np.ndarray:
    return np.r_[(xyxy[:2] + xyxy[2:]) / 2, xyxy[2:] - xyxy[:2]]


def cxcywh_to_xyxy(cxcywh: np.ndarray) -> np.ndarray:
    return np.r_[cxcywh[:2] - cxcywh[2:] / 2, cxcywh[:2] + cxcywh[2:] / 2]
