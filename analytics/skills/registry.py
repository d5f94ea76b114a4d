"""All skill kinds, by the `kind` key of a [[cameras.skills]] table."""

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from analytics.skills.base import Skill
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

if TYPE_CHECKING:
    from analytics.camera_config import CameraConfig

SKILL_TYPES: dict[type, type[Skill]] = {
    LoiteringConfig: LoiteringSkill,
    IntrusionConfig: IntrusionSkill,
    ParkingConfig: ParkingSkill,
    RedLightConfig: RedLightSkill,
    LaneMisuseConfig: LaneMisuseSkill,
    CountingConfig: CountingSkill,
}


def build_skill(config: SkillConfig, camera: "CameraConfig") -> Skill:
    """The skill a configuration describes, on the camera's zones and lines."""
    return SKILL_TYPES[type(config)](config, camera)  # type: ignore[call-arg]
