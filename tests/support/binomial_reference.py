"""Exact binomial bounds computed by definition, without scipy: the reference the interval code and
the trust loop's thresholds are checked against."""

import math
from collections.abc import Callable


def tail_at_least(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def _bisect(increasing: Callable[[float], float], target: float) -> float:
    low, high = 0.0, 1.0
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if increasing(middle) < target else (low, middle)
    return (low + high) / 2


def exact_lower(k: int, n: int) -> float:
    """One-sided 95 % Clopper-Pearson lower bound: the p where P(X >= k | p) = 0.05."""
    return 0.0 if k == 0 else _bisect(lambda p: tail_at_least(k, n, p), 0.05)


def exact_upper(k: int, n: int) -> float:
    """One-sided 95 % Clopper-Pearson upper bound: the p where P(X <= k | p) = 0.05."""
    return 1.0 if k == n else _bisect(lambda p: tail_at_least(k + 1, n, p), 0.95)
