"""Object detection: an ONNX YOLOX model run by ONNX Runtime, returning `sv.Detections`."""

from analytics.detection.detector import Detector, ModelError, ModelShapes
from analytics.detection.providers import DEVICES, Device, DeviceUnavailableError

__all__ = ["DEVICES", "Detector", "Device", "DeviceUnavailableError", "ModelError", "ModelShapes"]
