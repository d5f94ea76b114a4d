"""All skill kinds, by the `kind` key of a [[cameras.skills]] table."""

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field

from analytics.geometry.coordinates import Polygon, Segment
from analytics.geometry.ground import GroundPlane
from analytics.skills.base import Skill, SkillConfigBase, ZoneSkillConfig
from analytics.skills.counting import CountingConfig, CountingSkill
from analytics.skills.intrusion import IntrusionConfig, IntrusionSkill
from analytics.skills.lane_misuse import LaneMisuseConfig, LaneMisuseSkill
from analytics.skills.loitering import LoiteringConfig, LoiteringSkill
from analytics.skills.parking import ParkingConfig, ParkingSkill
from analytics.skills.red_light import RedLightConfig, RedLightSkill

SkillConfig = Annotated[
    LoiteringConfig | IntrusionConfig | ParkingConfig | RedLightConfig | LaneMisuseConfig | CountingConfig,
    Field(discriminator="kind"),
]


SKILL_TYPES: dict[type[SkillConfigBase], type[Skill]] = {
    LoiteringConfig: LoiteringSkill,
    IntrusionConfig: IntrusionSkill,
    ParkingConfig: ParkingSkill,
    RedLightConfig: RedLightSkill,
    LaneMisuseConfig: LaneMisuseSkill,
    CountingConfig: CountingSkill,
}


def build_skill(
    config: SkillConfig,
    camera_id: str,
    zones: Mapping[str, Polygon],
    lines: Mapping[str, Segment],
    ground: GroundPlane | None = None,
) -> Skill:
    """The skill a configuration describes, given the zone or line it watches (by name) and, for
    counting and red light, the camera's calibrated ground plane if it has one (and counting's
    origin lines)."""
    place = zones[config.zone] if isinstance(config, ZoneSkillConfig) else lines[config.line]
    if isinstance(config, CountingConfig):
        origins = {name: lines[name] for name in config.origins}
        return CountingSkill(config, camera_id, place, ground, origins)  # type: ignore[arg-type]
    if isinstance(config, RedLightConfig):
        return RedLightSkill(config, camera_id, place, ground)  # type: ignore[arg-type]
    return SKILL_TYPES[type(config)](config, camera_id, place)  # type: ignore[call-arg]
