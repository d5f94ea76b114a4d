"""A false-alert rate and its 95 % confidence bounds: one computation for offline and live figures.

`analytics eval` (alerts matched against a reference) and the bridge's trust loop (alerts judged by
reviewers and operators) both report `RateInterval`, so the figure a technician reads on footage and
the one the promotion gate reads on a camera speak the same language.

Bounds, from scipy.stats (beta quantiles and binomtest):
- exact (Clopper-Pearson) one-sided bounds at `CONFIDENCE`: the upper one decides promotion ("the
  rate is below the target with 95 % confidence"), the lower one decides degradation ("above it");
  with no false alert in n the upper bound is 1 - 0.05^(1/n), first under 10 % at n = 29;
- the two-sided Wilson score interval at `CONFIDENCE`, shown beside them because it is the interval
  most readers know; it is narrower at mid rates and wider at 0 (first under 10 % at n = 35).
With no judged alert the rate is unknown: bounds 0 and 1.
"""

from dataclasses import dataclass

from scipy.stats import beta, binomtest

CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class RateInterval:
    """`false_alerts` of `judged` alerts were false (judged: a true or false verdict, or a match)."""

    false_alerts: int
    judged: int
    exact_lower: float
    exact_upper: float
    wilson_low: float
    wilson_high: float

    @property
    def rate(self) -> float | None:
        return self.false_alerts / self.judged if self.judged else None

    @property
    def precision(self) -> float | None:
        """Share of true alerts among the judged ones: 1 - rate."""
        return 1.0 - self.false_alerts / self.judged if self.judged else None

    def below(self, target: float) -> bool:
        """The rate is below `target` with 95 % confidence: the promotion gate."""
        return self.exact_upper < target

    def above(self, target: float) -> bool:
        """The rate is above `target` with 95 % confidence: the watch's degradation test."""
        return self.exact_lower > target


def false_alert_rate(false_alerts: int, judged: int) -> RateInterval:
    if not 0 <= false_alerts <= judged:
        raise ValueError(f"need 0 <= false alerts <= judged alerts, got {false_alerts} of {judged}")
    if judged == 0:
        return RateInterval(0, 0, 0.0, 1.0, 0.0, 1.0)
    alpha = 1.0 - CONFIDENCE
    # Clopper-Pearson as beta quantiles; at k = 0 (or k = n) the bound is the end of [0, 1].
    lower = float(beta.ppf(alpha, false_alerts, judged - false_alerts + 1)) if false_alerts else 0.0
    upper = (
        float(beta.ppf(1.0 - alpha, false_alerts + 1, judged - false_alerts))
        if false_alerts < judged
        else 1.0
    )
    wilson = binomtest(false_alerts, judged).proportion_ci(CONFIDENCE, method="wilson")
    return RateInterval(false_alerts, judged, lower, upper, float(wilson.low), float(wilson.high))


def judged_needed(target: float, false_alerts: int = 0, limit: int = 100_000) -> int | None:
    """Fewest judged alerts with `false_alerts` false ones whose exact upper bound is below `target`
    (the gate's "N more true verdicts"); None when none up to `limit` would do."""
    low, high = max(false_alerts, 1), limit
    if not false_alert_rate(false_alerts, high).below(target):
        return None
    while low < high:  # the upper bound falls as true verdicts are added: bisect
        middle = (low + high) // 2
        if false_alert_rate(false_alerts, middle).below(target):
            high = middle
        else:
            low = middle + 1
    return low
