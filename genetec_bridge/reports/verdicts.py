"""What the report needs of the trust loop (operators' verdicts on alerts): reviewed alerts and false
alerts per camera and skill, with the rate's interval and the skill's mode.

The trust loop is built apart; the report reads it through `VerdictSource`. Until a site has one,
`NoVerdicts` answers nothing and the report says that no verdict was available, rather than showing
a false-alert rate of zero.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SkillVerdicts:
    camera_id: str
    skill: str
    mode: str  # "shadow" (logged only) or "live" (raised in Security Center)
    reviewed: int
    false_alerts: int
    rate_low: float  # 95 % interval of the false-alert rate
    rate_high: float


class VerdictSource(Protocol):
    available: bool

    def verdicts(self, start: float, end: float) -> list[SkillVerdicts]:
        """The verdicts given on alerts raised in [start, end), per camera and skill."""
        ...


class NoVerdicts:
    available = False

    def verdicts(self, start: float, end: float) -> list[SkillVerdicts]:
        return []
