"""A token bucket per camera: an event storm on one camera waits in the outbox instead of flooding
Security Center, and does not slow the other cameras."""

import time
from collections.abc import Callable


class CameraRateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._capacity = float(per_minute)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # camera -> (tokens, at)

    def acquire(self, camera: str) -> float:
        """Take a token and return 0, or return how many seconds to wait before asking again."""
        now = self._clock()
        tokens, at = self._buckets.get(camera, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - at) * self._rate)
        if tokens >= 1.0:
            self._buckets[camera] = (tokens - 1.0, now)
            return 0.0
        self._buckets[camera] = (tokens, now)
        return (1.0 - tokens) / self._rate
