"""A review queue item: one alert with its evidence and how to find the moment in Security Desk.

No image is stored: the reviewer opens the camera's archive in Security Desk at the given time (or
searches the bookmark), where the video already is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from analytics.events import AnalyticsEvent
from analytics.skills.base import Mode
from genetec_bridge.trust.store import StoredAlert
from genetec_bridge.trust.verdicts import VerdictRecord

# How much archive around the alert the reviewer is pointed to: the approach before, the outcome after.
ARCHIVE_BEFORE = timedelta(seconds=20)
ARCHIVE_AFTER = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class SecurityDeskLocator:
    """Where the alert is in Security Desk: the camera (by name in the Archives task), the time, and
    the bookmark text to search in the Bookmarks report when a bookmark was added."""

    camera_id: str
    camera_name: str
    at: datetime
    archive_from: datetime
    archive_to: datetime
    bookmark_text: str | None


@dataclass(frozen=True, slots=True)
class ReviewItem:
    event_id: str
    camera_id: str
    skill: str
    mode: Mode
    event: AnalyticsEvent
    """The evidence: kind, zone or line, class, dwell and threshold, direction, track positions
    (normalised, oldest first), confidence threshold."""
    security_desk: SecurityDeskLocator
    verdict: VerdictRecord | None


def review_item(alert: StoredAlert, camera_name: str) -> ReviewItem:
    event = alert.event
    return ReviewItem(
        event_id=event.id,
        camera_id=event.camera,
        skill=event.skill,
        mode=alert.mode,
        event=event,
        security_desk=SecurityDeskLocator(
            camera_id=event.camera,
            camera_name=camera_name,
            at=alert.occurred_at,
            archive_from=alert.occurred_at - ARCHIVE_BEFORE,
            archive_to=alert.occurred_at + ARCHIVE_AFTER,
            bookmark_text=alert.bookmark_text,
        ),
        verdict=alert.verdict,
    )
