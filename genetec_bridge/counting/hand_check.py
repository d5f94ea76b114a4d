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

A check under way is kept in the statistics store, every tap committed before the box answers it, so a
box or bridge restarted in its middle loses nothing: the page shows the check again and the person
continues (or abandons it). The person cannot tap while the box is away; a hole in the window longer
than RESUME_GAP_S (a restart and a new login) would leave vehicles uncounted by hand. The box notes when
it last served the check (each tap, and the page's polls every SEEN_EVERY_S) and which run of it did:
found by another run with such a hole since, the check is closed honestly at the last interval boundary
before the hole, taps kept, marked short, and the product's counts read over the same shortened window;
with not one whole interval before the hole it is refused with the reason (the times of the hole) and
not kept. A window that ended while the box was down
is closed by the same rule the next time the box serves that person.

The product commits its counts every few seconds (the bridge's statistics commit period), so the last
seconds of a window may not be in the store when the window ends. The comparison waits ("settling")
until the camera's latest committed analysed frame is past the window's end, or SETTLE_S after it (a
bridge that committed nothing by then is not analysing that camera: its crossings and its analysed time
are committed together, so the coverage then says how much of the window the product saw).

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
from datetime import datetime

from genetec_bridge.counting.local_time import floor, following
from genetec_bridge.counting.series import DIRECTIONS, CountingPoint, combine, measures
from genetec_bridge.counting.store import HandCheck, OpenHandCheck, StatisticsStore

HAND_CHECK_S = 900.0  # Telraam's 15 minutes: long enough for tens of vehicles on a city street
RESUME_GAP_S = 30.0  # a box restart and a new login; longer, the person's count has a hole
SEEN_EVERY_S = 5.0  # a poll notes the person is still there at most this often (a write each time)
SETTLE_S = 60.0  # six of the bridge's statistics commits
NOTHING_TO_COMPARE = "not one whole counting interval was counted: nothing to compare"
Z_95 = 1.959963984540054  # two-sided 95 %


class HandCheckRefused(ValueError):
    """A tap or a stop the session cannot take; the message says why."""


class HandCheckAway(HandCheckRefused):
    """A check the box was away from (local times `away` to `back`) before one whole interval."""

    def __init__(self, away: str, back: str) -> None:
        super().__init__(
            f"the box was away from {away} to {back}, before one whole counting interval: not kept"
        )
        self.away, self.back = away, back


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
    seen_at: float
    served_by: str = ""  # the run of the box that last served it
    stopped_at: float | None = None  # where it ends once stopped, while the product's counts are awaited
    resumed: bool = False  # found kept by a run of the box other than the one that served it
    taps: list[tuple[float, str, str]] = field(default_factory=list)  # (at, category, direction)

    def kept(self) -> OpenHandCheck:
        return OpenHandCheck(
            self.person,
            self.point.id,
            self.start,
            self.planned_end,
            self.seen_at,
            self.served_by,
            self.stopped_at,
            tuple(self.taps),
        )

    def tap(self, at: float, category: str, direction: str) -> None:
        """Count a tap, or refuse it (HandCheckRefused says why)."""
        if self.stopped_at is not None:
            raise HandCheckRefused("the check is over")
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
        if self.stopped_at is not None:
            return self.stopped_at
        if now >= self.planned_end:
            return self.planned_end
        return max(self.start, floor(now, self.point.interval_s, self.point.zone))

    def hole(self, now: float) -> float:
        """Seconds of the window the box was away for (not serving this check) until `now`."""
        return max(0.0, min(now, self.planned_end) - max(self.seen_at, self.start))


def ready(store: StatisticsStore, point: CountingPoint, end: float, now: float) -> bool:
    """Whether the product's counts up to `end` are committed, or waited for long enough."""
    until = store.analysed_until(point.camera_id)
    return (until is not None and until >= end) or now >= end + SETTLE_S


def begin(store: StatisticsStore, point: CountingPoint, person: str, now: float, run: str) -> Session:
    """A new check of `point` by `person`, served by the box's `run` (any they had under way is abandoned)."""
    session = Session(point, person, *window(now, point), seen_at=now, served_by=run)
    store.begin_hand_check(session.kept())
    return session


def current(
    store: StatisticsStore, points: list[CountingPoint], person: str, now: float, run: str
) -> Session | None:
    """The person's check under way as kept, noted as served by `run` at `now`. Found after a restart of
    the box (another run) with a hole in its window longer than RESUME_GAP_S, it is stopped at the last
    boundary before the hole, or refused (HandCheckAway) and dropped."""
    kept = store.open_hand_check(person)
    if kept is None:
        return None
    point = next((p for p in points if p.id == kept.point_id), None)
    if point is None:
        store.drop_hand_check(person)
        raise HandCheckRefused(f"point: {kept.point_id} is no longer counted; the check was not kept")
    session = Session(
        point,
        person,
        kept.start,
        kept.planned_end,
        kept.seen_at,
        run,
        kept.stopped_at,
        kept.served_by != run,
        list(kept.taps),
    )
    if session.stopped_at is None and session.resumed and session.hole(now) > RESUME_GAP_S:
        session.stopped_at = session.end_at(session.seen_at)
        if session.stopped_at <= session.start:
            store.drop_hand_check(person)
            raise HandCheckAway(
                *(datetime.fromtimestamp(t, point.zone).strftime("%H:%M:%S") for t in (session.seen_at, now))
            )
    elif session.stopped_at is None and (session.resumed or now - session.seen_at >= SEEN_EVERY_S):
        session.seen_at = now
    elif not session.resumed:
        return session
    store.mark_hand_check(person, session.seen_at, run, session.stopped_at)
    return session


def record_tap(store: StatisticsStore, session: Session, at: float, category: str, direction: str) -> None:
    session.tap(at, category, direction)
    store.add_hand_check_tap(session.person, at, category, direction)


def record_undo(store: StatisticsStore, session: Session) -> None:
    session.undo()
    store.undo_hand_check_tap(session.person)


def finish(store: StatisticsStore, session: Session, now: float) -> HandCheck | None:
    """Stop the check at `now` (or where it was stopped) and, once the product's counts of its window are
    committed, compare and store it; None while they are awaited (the stop is kept)."""
    end = session.end_at(now)
    if end <= session.start:
        store.drop_hand_check(session.person)
        raise HandCheckRefused(NOTHING_TO_COMPARE)
    if not ready(store, session.point, end, now):
        session.stopped_at = end
        store.mark_hand_check(session.person, session.seen_at, session.served_by, end)
        return None
    check = compare(store, session, end)
    store.add_hand_check(check)
    return check


def compare(store: StatisticsStore, session: Session, end: float) -> HandCheck:
    """The finished check over [session.start, end): the product's counts read from the store, a row for
    every category and direction of the point (zeros too)."""
    if end <= session.start:
        raise HandCheckRefused(NOTHING_TO_COMPARE)
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
