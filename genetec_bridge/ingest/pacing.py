"""Which captured frames go to analysis: the camera's analysis rate, from capture times."""


class Pacer:
    """Passes frames at most `fps` per second on average, whatever the stream's own rate.

    Deadlines advance by whole periods so the long-run rate is exact even when the stream's rate is
    not a multiple of it (7 fps in, 5 fps out: 5 of every 7 frames pass, not every other one).
    """

    def __init__(self, fps: float) -> None:
        self._period = 1.0 / fps
        self._next_due: float | None = None

    def due(self, capture_time_s: float) -> bool:
        if self._next_due is None or capture_time_s - self._next_due > self._period:
            # First frame, or back from a gap (stall, reconnect): restart the schedule, no burst.
            self._next_due = capture_time_s
        if capture_time_s < self._next_due:
            return False
        self._next_due += self._period
        return True
