"""Object detection: an ONNX YOLOX model run in-process by ONNX Runtime or by a Triton server,
returning `sv.Detections`."""

from analytics.detection.detector import Detector
from analytics.detection.inference import InferenceBackend, InferenceUnavailable, TierState
from analytics.detection.model_io import ModelError, ModelShapes
from analytics.detection.providers import DEVICES, Device, DeviceUnavailableError

__all__ = [
    "DEVICES",
    "Detector",
    "Device",
    "DeviceUnavailableError",
    "InferenceBackend",
    "InferenceUnavailable",
    "ModelError",
    "ModelShapes",
    "TierState",
]
