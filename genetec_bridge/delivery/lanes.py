"""Delivery lanes: alerts go before statistics, so a busy counting line never delays an intrusion.

Each camera delivers its alert lane first, in order, and its statistics lane only when no alert is
waiting; each lane has its own rate limit. The lane is fixed when the event enters the outbox.
"""

from enum import IntEnum

from analytics.events import AnalyticsEvent

# Kinds that count traffic rather than call for an operator (the counting skill's crossings).
STATISTIC_KINDS = frozenset({"line_cross"})


class Lane(IntEnum):
    ALERT = 0
    STATISTICS = 1


def lane_of(event: AnalyticsEvent) -> Lane:
    return Lane.STATISTICS if event.kind in STATISTIC_KINDS else Lane.ALERT
