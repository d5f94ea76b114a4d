"""The 15-minute hand check: the counting counterpart of the trust loop. A person watches one camera (in
Security Desk or the box's live view) and taps a key per vehicle crossing one counting line, with its
category and direction; the product's counts of the same window, line, category and direction are put
beside theirs, and the per-category error is kept with its interval.

The window is made of whole counting intervals, because the statistics store keeps the product's
crossings per interval (the counting skill's `interval_s`, local wall-clock boundaries): a check starts at
the next interval boundary after the person asks for it (the page counts down to it) and runs for
HAND_CHECK_S, rounded up to whole intervals. Stopped earlier, it keeps the whole intervals counted and is
marked short; stopped before one interval ends, there is nothing to compare and it is not kept. Taps are
timed by the box's clock, so a tap outside the window is never counted.

The error of a category is product / hand - 1 (+0.1: the product counted 10 % more than the person).
Its 95 % interval is the conditional-binomial one of a ratio of two Poisson counts: given n = product +
hand, the product's share p = product / n has a Wilson score interval, and the ratio is p / (1 - p).
The two counts see the same vehicles, so they are not independent as that interval assumes: it is wider
than the truth (conservative), never narrower. The product's counts are read with the window's coverage
(share of it the camera was analysed): a check over an outage says so.
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from genetec_bridge.counting.local_time import floor, following
from genetec_bridge.counting.series import DIRECTIONS, CountingPoint, combine, measures
from genetec_bridge.counting.store import HandCheck, StatisticsStore

HAND_CHECK_S = 900.0  # Telraam's 15 minutes: long enough for tens of vehicles on a city street
Z_95 = 1.959963984540054  # two-sided 95 %


class HandCheckRefused(ValueError):
    """A tap or a stop the session cannot take; the message says why."""


@dataclass(frozen=True)
class ClassError:
    """One category over both directions."""

    category: str
    hand: int
    product: int
    error: float | None  # product / hand - 1; None when the person counted none
    low: float | None  # the 95 % interval of `error`; None when nothing was counted at all
    high: float | None  # None also when unbounded (the person counted none)


def errors(check: HandCheck) -> list[ClassError]:
    """Per category of the check (both directions), then "total" over all of them."""
    hand: Counter[str] = Counter()
    product: Counter[str] = Counter()
    for category, _, by_hand, by_product in check.counts:
        hand[category] += by_hand
        product[category] += by_product
    rows = [(c, hand[c], product[c]) for c in dict.fromkeys(c for c, *_ in check.counts)]
    rows.append(("total", hand.total(), product.total()))
    return [ClassError(c, h, p, *ratio_error(p, h)) for c, h, p in rows]


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """Two-sided 95 % Wilson score interval of a binomial proportion."""
    p, z2 = successes / trials, Z_95 * Z_95
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z_95 * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def ratio_error(product: int, hand: int) -> tuple[float | None, float | None, float | None]:
    """(error, low, high) of product / hand - 1 (see the module's docstring)."""
    if product + hand == 0:
        return None, None, None
    low, high = wilson(product, product + hand)
    error = product / hand - 1 if hand else None
    return error, low / (1 - low) - 1, high / (1 - high) - 1 if high < 1 else None


def window(asked_at: float, point: CountingPoint) -> tuple[float, float]:
    """The planned window of a check asked for at `asked_at`: from the next interval boundary (or this
    one, when asked exactly on it), HAND_CHECK_S rounded up to whole intervals."""
    start = floor(asked_at, point.interval_s, point.zone)
    if start < asked_at:
        start = following(start, point.interval_s, point.zone)
    end = start
    for _ in range(max(1, math.ceil(HAND_CHECK_S / point.interval_s))):
        end = following(end, point.interval_s, point.zone)
    return start, end


@dataclass
class Session:
    """A check under way: its planned window and the person's taps, each timed by the box's clock."""

    point: CountingPoint
    person: str
    start: float
    planned_end: float
    taps: list[tuple[float, str, str]] = field(default_factory=list)  # (at, category, direction)

    def tap(self, at: float, category: str, direction: str) -> None:
        if category not in self.point.categories:
            raise HandCheckRefused(f"category: one of {', '.join(self.point.categories)}")
        if direction not in DIRECTIONS:
            raise HandCheckRefused(f"direction: one of {', '.join(DIRECTIONS)}")
        if at < self.start:
            raise HandCheckRefused("the check has not started yet")
        if at >= self.planned_end:
            raise HandCheckRefused("the check is over")
        self.taps.append((at, category, direction))

    def undo(self) -> None:
        """Take back the last tap (a wrong key)."""
        if self.taps:
            self.taps.pop()

    def tally(self, end: float | None = None) -> Counter[tuple[str, str]]:
        """(category, direction) -> taps in [start, end)."""
        until = self.planned_end if end is None else end
        return Counter((c, d) for at, c, d in self.taps if self.start <= at < until)

    def end_at(self, now: float) -> float:
        """Where the check ends when stopped at `now`: the planned end, or the last interval boundary."""
        if now >= self.planned_end:
            return self.planned_end
        return max(self.start, floor(now, self.point.interval_s, self.point.zone))


def compare(store: StatisticsStore, session: Session, end: float) -> HandCheck:
    """The finished check over [session.start, end): the product's counts read from the store, a row for
    every category and direction of the point (zeros too)."""
    if end <= session.start:
        raise HandCheckRefused("not one whole counting interval was counted: nothing to compare")
    whole = combine(measures(store, session.point, session.start, end), session.start, end)
    product, hand = whole.by_category(), session.tally(end)
    return HandCheck(
        point_id=session.point.id,
        person=session.person,
        start=session.start,
        end=end,
        planned_s=session.planned_end - session.start,
        coverage=whole.coverage,
        counts=tuple(
            (c, d, hand[(c, d)], product[(c, d)]) for c in session.point.categories for d in DIRECTIONS
        ),
    )
