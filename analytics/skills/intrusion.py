"""Intrusion: an object of the watched classes enters a zone."""

from typing import Literal

from pydantic import Field

from analytics.skills.base import ZoneSkillConfig


class IntrusionConfig(ZoneSkillConfig):
    kind: Literal["intrusion"] = "intrusion"
    min_presence_s: float = Field(
        0.4, ge=0, description="Inertia: the object must stay this long inside before the entry counts."
    )
    grace_s: float = Field(1.0, ge=0, description="A visit survives a loss of the object this long.")
