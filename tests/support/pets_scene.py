"""The PETS 2009 clip as a camera: its reference zones as a CameraConfig."""

import json
from pathlib import Path

from analytics.config.camera import CameraConfig, Zone
from analytics.skills.registry import SkillConfig


def pets_camera(
    scene_json: Path, camera_id: str, skills: list[SkillConfig], fps: float = 5.0
) -> CameraConfig:
    scene = json.loads(scene_json.read_text())
    zones = [Zone(name=name, polygon=points) for name, points in scene["zones"].items()]
    return CameraConfig(id=camera_id, name="PETS", fps=fps, zones=zones, skills=skills)
