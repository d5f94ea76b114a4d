"""Per-camera token bucket and jittered exponential back-off."""

import random

from genetec_bridge.backoff import Backoff
from genetec_bridge.delivery.rate_limit import CameraRateLimiter


def test_storm_on_one_camera_waits_and_others_are_not_slowed():
    now = [0.0]
    limiter = CameraRateLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == 20.0
    assert limiter.acquire("b") == 0.0
    now[0] = 20.0
    assert limiter.acquire("a") == 0.0


def test_backoff_grows_is_capped_jittered_and_resets():
    backoff = Backoff(initial_s=1.0, max_s=8.0, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_backoff_stays_capped_after_a_very_long_outage():
    backoff = Backoff(initial_s=1.0, max_s=30.0, rng=random.Random(2))
    backoff.failures = 100_000
    assert 15.0 <= backoff.next_delay() <= 30.0
    assert backoff.failures == 100_001
