"""What the privacy documents state, drawn from the site config and from what the code does.

Pure: a SiteConfig in, plain data out; the wording (in each language) is in the templates. What the
config cannot know (the controller's name, the DPO, the legal basis...) comes from [privacy]; each field
left out becomes a placeholder, listed at the top of every document.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from analytics.config.camera import CameraConfig
from analytics.skills.base import SkillConfigBase, ZoneSkillConfig
from analytics.skills.counting import CountingConfig
from genetec_bridge.config.site import PrivacyConfig, SiteConfig

# The [privacy] fields, in the order the placeholders are listed.
STATED_FIELDS = tuple(PrivacyConfig.model_fields)

# Who an object class stands for: the categories of people the register names.
PEOPLE_BY_CLASS = {
    "person": "pedestrians",
    "bicycle": "cyclists",
    "motorcycle": "motorcyclists",
    "car": "drivers",
    "bus": "drivers",
    "truck": "drivers",
}
PEOPLE_ORDER = ("pedestrians", "cyclists", "motorcyclists", "drivers")

Unit = Literal["hours", "days"]


@dataclass(frozen=True)
class StoreRetention:
    """How long one store keeps its records; `amount` None means the store keeps nothing (frames) or its
    retention is set outside the product (Security Center's own)."""

    store: str
    amount: float | None
    unit: Unit | None
    setting: str  # the config key, for the reader who wants to change it


@dataclass(frozen=True)
class SkillFacts:
    label: str
    kind: str
    target_kind: Literal["zone", "line"]
    target: str
    classes: list[str]
    schedule: str | None
    schedule_windows: list[tuple[list[str], str, str]]  # (days, start, end), in the schedule's zone
    timezone: str | None
    custom_event_id: int | None
    custom_event_name: str | None
    alarm: str | None
    bookmark: bool
    phases: list[str]
    counts: bool  # writes anonymous interval counts

    @property
    def alerts(self) -> bool:
        """Raises something in Security Center in real time (as opposed to statistics only)."""
        return self.custom_event_id is not None


@dataclass(frozen=True)
class CameraFacts:
    id: str
    name: str
    slug: str
    fps: float
    privacy_masks: list[list[tuple[float, float]]]
    zones: list[tuple[str, list[tuple[float, float]]]]
    lines: list[tuple[str, list[tuple[float, float]]]]
    skills: list[SkillFacts]
    people: list[str]

    @property
    def alerts(self) -> bool:
        return any(skill.alerts for skill in self.skills)

    @property
    def counts(self) -> bool:
        return any(skill.counts for skill in self.skills)

    @property
    def bookmarks(self) -> bool:
        return any(skill.bookmark for skill in self.skills)


@dataclass(frozen=True)
class SecurityFacts:
    tls_verified: bool
    own_ca: bool
    websdk_user: str
    health_local_only: bool
    health_address: str
    rtsp_tls: bool
    rtsp_authenticated: bool
    cameras_masked: int
    purge_every_min: float


@dataclass(frozen=True)
class SiteFacts:
    stated: dict[str, str | None]
    placeholders: list[str]
    cameras: list[CameraFacts]
    retention: list[StoreRetention]
    security: SecurityFacts
    skill_kinds: list[str]
    people: list[str]
    alarms: list[str]
    custom_events: list[tuple[int, str]]
    counts: bool
    bookmarks: bool
    alerts: bool
    review_days: int  # alerts and their verdicts stay this long in the trust store


def site_facts(site: SiteConfig) -> SiteFacts:
    stated = site.privacy.model_dump()
    cameras = [_camera(camera, site) for camera in site.cameras]
    skills = [skill for camera in cameras for skill in camera.skills]
    return SiteFacts(
        stated=stated,
        placeholders=[name for name in STATED_FIELDS if not stated[name]],
        cameras=cameras,
        retention=_retention(site),
        security=SecurityFacts(
            tls_verified=site.genetec.verify_tls,
            own_ca=site.genetec.ca_file is not None,
            websdk_user=site.genetec.username,
            health_local_only=site.health.listen in ("127.0.0.1", "::1"),
            health_address=site.health.listen,
            rtsp_tls=site.media_gateway.tls,
            rtsp_authenticated=site.media_gateway.username is not None,
            cameras_masked=sum(1 for camera in site.cameras if camera.privacy_masks),
            purge_every_min=site.retention.purge_every_min,
        ),
        skill_kinds=sorted({skill.kind for skill in skills}),
        people=_ordered_people(skill.classes for skill in skills),
        alarms=sorted({skill.alarm for skill in skills if skill.alarm}),
        custom_events=sorted(
            {
                (skill.custom_event_id, skill.custom_event_name or skill.label)
                for skill in skills
                if skill.custom_event_id is not None
            }
        ),
        counts=any(skill.counts for skill in skills),
        bookmarks=any(skill.bookmark for skill in skills),
        alerts=any(skill.alerts for skill in skills),
        review_days=site.retention.verdicts_days,
    )


def _retention(site: SiteConfig) -> list[StoreRetention]:
    delivery, retention = site.delivery, site.retention
    return [
        StoreRetention("frames", None, None, ""),
        StoreRetention("outbox_delivered", delivery.keep_delivered_h, "hours", "delivery.keep_delivered_h"),
        StoreRetention("outbox_rejected", delivery.keep_rejected_h, "hours", "delivery.keep_rejected_h"),
        StoreRetention("track_history", retention.track_history_h, "hours", "retention.track_history_h"),
        StoreRetention("trust", retention.verdicts_days, "days", "retention.verdicts_days"),
        StoreRetention("counts", retention.counts_days, "days", "retention.counts_days"),
        StoreRetention("audit", retention.audit_days, "days", "retention.audit_days"),
        StoreRetention("security_center", None, None, "privacy.security_center_retention"),
    ]


def _camera(camera: CameraConfig, site: SiteConfig) -> CameraFacts:
    skills = [_skill(skill, site) for skill in camera.skills]
    return CameraFacts(
        id=camera.id,
        name=camera.name or camera.id,
        slug=slug(camera.name or camera.id),
        fps=camera.fps,
        privacy_masks=[_points(mask) for mask in camera.privacy_masks],
        zones=[(zone.name, _points(zone.polygon)) for zone in camera.zones],
        lines=[(line.name, _points(line.points)) for line in camera.lines],
        skills=skills,
        people=_ordered_people(skill.classes for skill in skills),
    )


def _skill(skill: SkillConfigBase, site: SiteConfig) -> SkillFacts:
    schedule = site.schedules.get(skill.schedule) if skill.schedule else None
    alert = skill.alert
    return SkillFacts(
        label=skill.label,
        kind=skill.kind,
        target_kind="zone" if isinstance(skill, ZoneSkillConfig) else "line",
        target=skill.target,
        classes=list(skill.classes),
        schedule=skill.schedule,
        schedule_windows=[(list(w.days), w.start, w.end) for w in schedule.windows] if schedule else [],
        timezone=schedule.timezone if schedule else None,
        custom_event_id=alert.custom_event_id if alert else None,
        custom_event_name=(alert.custom_event_name or skill.label) if alert else None,
        alarm=alert.alarm if alert else None,
        bookmark=bool(alert and alert.bookmark),
        phases=list(alert.phases) if alert else [],
        counts=isinstance(skill, CountingConfig),
    )


def _ordered_people(class_lists: Iterable[list[str]]) -> list[str]:
    found = {PEOPLE_BY_CLASS[name] for classes in class_lists for name in classes}
    return [people for people in PEOPLE_ORDER if people in found]


def _points(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(round(point[0], 3), round(point[1], 3)) for point in points]


def slug(name: str) -> str:
    """A file-name-safe form of a camera's name: ASCII letters and digits joined by dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c.lower() if c.isalnum() else " " for c in ascii_name).split()
    return "-".join(words) or "camera"
