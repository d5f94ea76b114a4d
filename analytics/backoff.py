"""Exponential back-off with full jitter, shared by every reconnecting or retrying loop (bridge and daemon).

Jitter spreads retries so that many cameras (or bridges) do not hit Security Center in lockstep when it
comes back from an outage.
"""

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    initial_s: float = 1.0
    max_s: float = 60.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random, repr=False)
    failures: int = 0

    def next_delay(self) -> float:
        """Delay before the next attempt; each call counts one more failure."""
        ceiling = self.initial_s
        # Grow step by step and stop at the cap: factor**failures overflows a float after about a
        # thousand failures, which a camera dead for a night reaches.
        for _ in range(self.failures):
            if ceiling >= self.max_s:
                break
            ceiling *= self.factor
        ceiling = min(self.max_s, ceiling)
        self.failures += 1
        # Half fixed, half random: never zero (no hammering), never above the cap.
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def reset(self) -> None:
        self.failures = 0
