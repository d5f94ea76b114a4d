"""The false-alert rate's bounds against values computed here without scipy (binomial tails by
bisection, Wilson's closed form) and against published ones."""

import math
from statistics import NormalDist

import pytest

from analytics.evaluation.rates import false_alert_rate, judged_needed
from tests.support.binomial_reference import exact_lower, exact_upper


def wilson(k: int, n: int) -> tuple[float, float]:
    z = NormalDist().inv_cdf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_no_false_alert_in_28_is_not_enough_and_in_29_is():
    for n in (28, 29):
        assert false_alert_rate(0, n).exact_upper == pytest.approx(1 - 0.05 ** (1 / n), abs=1e-12)
    assert 1 - 0.05 ** (1 / 29) < 0.10 <= 1 - 0.05 ** (1 / 28)
    assert not false_alert_rate(0, 28).below(0.10)
    assert false_alert_rate(0, 29).below(0.10)
    assert judged_needed(0.10) == 29


def test_two_sided_wilson_bound_falls_under_10_percent_later_at_35():
    # With no false alert Wilson's upper bound is z^2 / (n + z^2): under 0.10 once n > 9 z^2 = 34.57.
    z2 = NormalDist().inv_cdf(0.975) ** 2
    for n in (34, 35):
        assert false_alert_rate(0, n).wilson_high == pytest.approx(z2 / (n + z2), abs=1e-9)
    assert false_alert_rate(0, 34).wilson_high >= 0.10 > false_alert_rate(0, 35).wilson_high


@pytest.mark.parametrize(("k", "n"), [(1, 10), (3, 50), (10, 50), (7, 120), (5, 5), (0, 7), (49, 50)])
def test_bounds_match_independent_computation(k, n):
    rate = false_alert_rate(k, n)
    lower, upper = exact_lower(k, n), exact_upper(k, n)
    assert (rate.exact_lower, rate.exact_upper) == pytest.approx((lower, upper), abs=1e-7)
    assert (rate.wilson_low, rate.wilson_high) == pytest.approx(wilson(k, n), abs=1e-9)
    assert rate.rate == pytest.approx(k / n)
    assert rate.precision == pytest.approx(1 - k / n)


def test_published_values():
    # Wilson 95 % for 0/10: [0, 0.2775]; exact one-sided 95 % upper for 0/10: 1 - 0.05^0.1 = 0.2589;
    # exact one-sided 95 % upper for 1/10: 0.3942 (binomial tables).
    assert false_alert_rate(0, 10).wilson_high == pytest.approx(0.2775, abs=5e-5)
    assert false_alert_rate(0, 10).exact_upper == pytest.approx(0.2589, abs=5e-5)
    assert false_alert_rate(1, 10).exact_upper == pytest.approx(0.3942, abs=5e-5)


def test_more_judged_alerts_needed_with_false_ones():
    # Independently: the smallest n whose exact upper bound for 1 false is under 10 %.
    expected = next(n for n in range(2, 200) if exact_upper(1, n) < 0.10)
    assert judged_needed(0.10, 1) == expected
    assert judged_needed(0.10, 1) > judged_needed(0.10, 0)


def test_no_verdict_means_an_unknown_rate():
    rate = false_alert_rate(0, 0)
    assert rate.rate is None and (rate.exact_lower, rate.exact_upper) == (0.0, 1.0)
    assert not rate.below(0.10) and not rate.above(0.10)
    with pytest.raises(ValueError, match="false alerts"):
        false_alert_rate(3, 2)
