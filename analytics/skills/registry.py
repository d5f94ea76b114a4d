"""All skill kinds, by the `kind` key of a [[cameras.skills]] table."""

from typing import Annotated

from pydantic import Field

from analytics.skills.counting import CountingConfig
from analytics.skills.intrusion import IntrusionConfig
from analytics.skills.lane_misuse import LaneMisuseConfig
from analytics.skills.loitering import LoiteringConfig
from analytics.skills.parking import ParkingConfig
from analytics.skills.red_light import RedLightConfig

SkillConfig = Annotated[
    LoiteringConfig | IntrusionConfig | ParkingConfig | RedLightConfig | LaneMisuseConfig | CountingConfig,
    Field(discriminator="kind"),
]
