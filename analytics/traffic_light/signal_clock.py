"""The signal as a red-light skill judges it: the reported state with its age and its read's confidence.

The skill is given the reported state of each frame: held by the lamp reader for `hold_s` before it
changes (see `signal_reader`), or pushed by the traffic controller (no hold). The clock keeps the
reported changes and answers, for any recent moment:

- the state then, and how long the lamp had been red: a reported change to red is dated `hold_s`
  earlier, when the lamp itself turned red. A red already showing when the skill started is dated
  from the skill's first red frame, so its age is then a lower bound;
- the read's confidence then (the share of the last second's lamp reads that agreed; none for a
  signal pushed by the controller);
- whether the lamp was red *at* a moment: the state must be reported red then and still be reported
  red `hold_s` later. The report lags the lamp by the hold, so a crossing reported red within the
  hold before a change to green may have been made on green, and is not taken as red.
"""

import bisect
from collections import deque
from dataclasses import dataclass

from analytics.frame_tracks import SignalState

# How far back a moment can be looked up. A vehicle may straddle the line for the whole of a red
# before it goes on; the changes kept are few (a handful a minute), the frames' confidences many.
CHANGES_KEPT_S = 600.0
CONFIDENCES_KEPT_S = 30.0


@dataclass(frozen=True, slots=True)
class SignalAt:
    """The signal at one moment, as the evidence of an alert states it."""

    state: SignalState
    into_red_s: float | None  # since the lamp turned red; None when the state is not red
    confidence: float | None  # the read's confidence; None for a controller's signal or a moment too old


class SignalClock:
    """The reported states of one signal over time; fed once a frame, asked about recent moments."""

    def __init__(self, hold_s: float) -> None:
        self._hold_s = hold_s
        self._changes: deque[tuple[float, SignalState]] = deque()  # (reported at, new state)
        self._confidences: deque[tuple[float, float]] = deque()

    def update(self, time_s: float, state: SignalState, confidence: float | None) -> None:
        if not self._changes or self._changes[-1][1] != state:
            self._changes.append((time_s, state))
        while len(self._changes) > 1 and self._changes[1][0] <= time_s - CHANGES_KEPT_S:
            self._changes.popleft()
        if confidence is not None:
            self._confidences.append((time_s, confidence))
        while self._confidences and self._confidences[0][0] < time_s - CONFIDENCES_KEPT_S:
            self._confidences.popleft()

    def at(self, time_s: float) -> SignalAt:
        index = self._change_index(time_s)
        if index < 0:
            return SignalAt(SignalState.UNKNOWN, None, None)
        since_s, state = self._changes[index]
        into_red = round(time_s - since_s + self._hold_s, 3) if state == SignalState.RED else None
        return SignalAt(state, into_red, self._confidence_at(time_s))

    def red_at(self, time_s: float) -> bool:
        """Reported red at `time_s` and through the hold after it (ask once the hold has passed)."""
        index = self._change_index(time_s)
        if index < 0 or self._changes[index][1] != SignalState.RED:
            return False
        following = index + 1
        return following >= len(self._changes) or self._changes[following][0] > time_s + self._hold_s

    def _change_index(self, time_s: float) -> int:
        """Index of the last change reported at or before `time_s`; −1 when none is known."""
        return bisect.bisect_right([t for t, _ in self._changes], time_s) - 1

    def _confidence_at(self, time_s: float) -> float | None:
        index = bisect.bisect_right([t for t, _ in self._confidences], time_s) - 1
        if index < 0 or self._confidences[index][0] != time_s:
            return None
        return self._confidences[index][1]
