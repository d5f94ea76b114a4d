"""A camera as the analytics see it: zones, lines, privacy masks, the skills that run on it, and how
its frames reach the detector (`detection`: whole, or on tiles of a region, for small vehicles).

A zone, a line or a skill can be switched off (`enabled = false`) without being deleted: only
`running_skills` run, those switched on whose zones and lines are all on.

The bridge's site configuration embeds these models; the daemon receives them at (re)connection and
`analytics run` reads them from the same integrator's file.
"""

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from analytics.config.cross_references import RelativePath, cross_reference_error
from analytics.config.ground import GroundCalibration
from analytics.config.motion import MotionConfig
from analytics.config.printable import PrintableText
from analytics.config.schedule import Schedule
from analytics.config.strict_model import StrictModel
from analytics.detection.tiling import WHOLE_PICTURE, Tiling
from analytics.geometry.coordinates import Polygon, Segment
from analytics.skills.base import LineSkillConfig, ZoneSkillConfig
from analytics.skills.registry import SkillConfig

_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$")


def _guid(value: str) -> str:
    if not _GUID.match(value):
        raise ValueError(f"'{value}' is not a GUID like 00000001-0000-babe-0000-00408ca1eb95")
    digits = value.strip("{}").replace("-", "").lower()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


Guid = Annotated[str, AfterValidator(_guid)]

# Media Gateway stream usages (Security Center 5.5+); URLs use them in lower case.
StreamName = Literal["live", "archiving", "highres", "lowres", "remote"]


class Zone(StrictModel):
    name: PrintableText = Field(min_length=1, description="Name shown in alerts, e.g. 'Parvis'.")
    polygon: Polygon = Field(description="Normalised points [[x, y], ...], at least three.")
    enabled: bool = Field(
        True, description="false switches the zone off without deleting it: no skill uses it meanwhile."
    )


class Line(StrictModel):
    name: PrintableText = Field(min_length=1, description="Name shown in alerts and counts.")
    points: Segment = Field(
        description="Two normalised points [[xA, yA], [xB, yB]]; direction A->B is defined from them."
    )
    enabled: bool = Field(
        True, description="false switches the line off without deleting it: no skill uses it meanwhile."
    )


def _repeats(names: list[str]) -> list[int]:
    """Indexes of the names already seen earlier in the list: the second 'Parvis' is the error."""
    return [i for i, name in enumerate(names) if name in names[:i]]


def _uses_any(skill: SkillConfig, zones: set[str], lines: set[str]) -> bool:
    used_lines = {getattr(skill, "line", None), *getattr(skill, "origins", [])}
    return getattr(skill, "zone", None) in zones or bool(used_lines & lines)


class MediaGatewayAddress(StrictModel):
    """Where one camera's Media Gateway role listens: from Security Center 5.10 a site may run several."""

    host: str = Field(min_length=1, description="Host name or address of this camera's Media Gateway role.")
    port: int = Field(654, ge=1, le=65535, description="RTSP port of that role.")


# Narrower than this (a share of the picture), a region's tiles would be a few pixels wide.
MIN_REGION_SIDE = 0.05


class DetectionConfig(StrictModel):
    """How a camera's frames reach the detector: whole, or cut into tiles so small vehicles seen from
    high above reach the model at a size it finds."""

    tiles: Literal[1, 2, 3] = Field(
        1,
        description="Tiles per side: 1 detects on the whole frame; 2 or 3 cut the analysed region into 2×2"
        " or 3×3 overlapping tiles, for small vehicles seen from high above. Each tile costs one"
        " inference per analysed frame (tiles × tiles in all). Tiles smaller than the model's input"
        " (416 pixels) gain nothing: 2 suits a 640×480 picture, 3 a picture 1280 pixels wide or more.",
    )
    region: list[float] = Field(
        default_factory=lambda: list(WHOLE_PICTURE),
        min_length=4,
        max_length=4,
        description="Normalised rectangle [left, top, right, bottom] of the picture that is analysed, e.g."
        " [0, 0.4, 1, 1] for the road below the horizon; nothing outside it is detected.",
    )

    @field_validator("region")
    @classmethod
    def _region_is_a_rectangle(cls, region: list[float]) -> list[float]:
        left, top, right, bottom = region
        if not (0 <= left < right <= 1 and 0 <= top < bottom <= 1):
            raise ValueError(
                f"{region} must be [left, top, right, bottom] with 0 <= left < right <= 1"
                " and 0 <= top < bottom <= 1"
            )
        if min(right - left, bottom - top) < MIN_REGION_SIDE:
            raise ValueError(f"{region} is under {MIN_REGION_SIDE} of the picture on a side")
        return region

    def tiling(self) -> Tiling:
        left, top, right, bottom = self.region
        return Tiling(self.tiles, (left, top, right, bottom))


class CameraConfig(StrictModel):
    id: Guid = Field(description="Genetec camera GUID; also the Media Gateway stream path.")
    name: PrintableText = Field("", description="Human name, for logs and the health page.")
    group: PrintableText | None = Field(
        None,
        min_length=1,
        max_length=80,
        description="Area or group the configuration box lists the camera under (e.g. 'Gare', 'North car"
        " parks'); the cameras page groups and searches by it. Cameras without one are listed apart.",
    )
    fps: float = Field(5.0, gt=0, le=30, description="Analysis frames per second.")
    stream: StreamName | None = Field(
        None, description="Media Gateway stream for this camera; defaults to [media_gateway].stream."
    )
    media_gateway: MediaGatewayAddress | None = Field(
        None,
        description="{ host, port } of this camera's own Media Gateway role, when the site has several; "
        "credentials, transport and TLS stay [media_gateway]'s. Default: [media_gateway]'s address.",
    )
    analysis_host: str | None = Field(
        None,
        description="The analysis host (a [[hosts]] name) whose bridge and daemon read and analyse this"
        " camera; required when the site has [[hosts]], absent otherwise. `genetec-bridge assign-hosts`"
        " proposes a balanced assignment.",
    )
    motion: MotionConfig = Field(
        default_factory=MotionConfig,
        description="Motion gate: the detector is spared on frames where nothing moved ([cameras.motion]).",
    )
    detection: DetectionConfig = Field(
        default_factory=DetectionConfig,
        description="Tiles and analysed region of the detector ([cameras.detection]): for high cameras"
        " whose vehicles are small.",
    )
    privacy_masks: list[Polygon] = Field(
        default_factory=list, description="Normalised polygons blanked before frames leave the bridge."
    )
    zones: list[Zone] = Field(
        default_factory=list, description="Named zones skills watch ([[cameras.zones]])."
    )
    lines: list[Line] = Field(
        default_factory=list, description="Named lines skills watch ([[cameras.lines]])."
    )
    skills: list[SkillConfig] = Field(
        default_factory=list, description="Skills run on this camera ([[cameras.skills]]), chosen by `kind`."
    )
    ground: GroundCalibration | None = Field(
        None,
        description="Ground calibration ([cameras.ground]): counting then measures lengths and speeds and"
        " classes vehicles by size; without it, classes come from the detector alone.",
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        problems: list[tuple[RelativePath, str]] = []
        for table, names in (
            ("zones", [z.name for z in self.zones]),
            ("lines", [ln.name for ln in self.lines]),
        ):
            problems += [((table, i, "name"), f"duplicate name '{names[i]}'") for i in _repeats(names)]
        labels = [s.label for s in self.skills]
        problems += [(("skills", i, "name"), f"duplicate skill name '{labels[i]}'") for i in _repeats(labels)]
        zones = [z.name for z in self.zones]
        lines = [ln.name for ln in self.lines]
        for index, skill in enumerate(self.skills):
            if isinstance(skill, ZoneSkillConfig) and skill.zone not in zones:
                problems.append((("skills", index, "zone"), f"no zone named '{skill.zone}' (known: {zones})"))
            if isinstance(skill, LineSkillConfig) and skill.line not in lines:
                problems.append((("skills", index, "line"), f"no line named '{skill.line}' (known: {lines})"))
            for at, origin in enumerate(getattr(skill, "origins", [])):
                if origin not in lines or origin == getattr(skill, "line", None):
                    problems.append(
                        (
                            ("skills", index, "origins", at),
                            f"no other line named '{origin}' (known: {lines}; not the counting line itself)",
                        )
                    )
        if problems:
            raise cross_reference_error(problems)
        return self

    def running_skills(self) -> list[SkillConfig]:
        """The skills that run: switched on, and every zone and line they use switched on too (a skill
        whose zone is off is off). The daemon runs only these and the bridge routes only their events."""
        off = {z.name for z in self.zones if not z.enabled}, {ln.name for ln in self.lines if not ln.enabled}
        return [skill for skill in self.skills if skill.enabled and not _uses_any(skill, *off)]

    def zone(self, name: str) -> Zone:
        return next(z for z in self.zones if z.name == name)

    def line(self, name: str) -> Line:
        return next(ln for ln in self.lines if ln.name == name)


class AnalyticsSite(StrictModel):
    """The part of the integrator's file the analytics need: schedules and cameras."""

    schedules: dict[str, Schedule] = Field(
        default_factory=dict, description="Named schedules skills refer to."
    )
    cameras: list[CameraConfig] = Field(default_factory=list, description="Analysed cameras ([[cameras]]).")

    @model_validator(mode="after")
    def _cameras_and_schedules_resolve(self) -> Self:
        ids = [c.id for c in self.cameras]
        problems: list[tuple[RelativePath, str]] = [
            (("cameras", i, "id"), f"duplicate camera id '{ids[i]}' (first at cameras[{ids.index(ids[i])}])")
            for i in _repeats(ids)
        ]
        for ci, camera in enumerate(self.cameras):
            for si, skill in enumerate(camera.skills):
                if skill.schedule is not None and skill.schedule not in self.schedules:
                    problems.append(
                        (
                            ("cameras", ci, "skills", si, "schedule"),
                            f"no schedule named '{skill.schedule}' (known: {sorted(self.schedules)})",
                        )
                    )
        if problems:
            raise cross_reference_error(problems)
        return self

    def camera(self, camera_id: str) -> CameraConfig:
        wanted = _guid(camera_id) if _GUID.match(camera_id) else camera_id
        for camera in self.cameras:
            if camera.id == wanted or camera.name == camera_id:
                return camera
        raise KeyError(f"no camera '{camera_id}' (known: {[c.id for c in self.cameras]})")
