"""What differs between the running site configuration and a new one: which cameras the bridge
reconfigures live, and which sections only a restart applies."""

from analytics.skills.counting import CountingConfig
from genetec_bridge.config.site import SiteConfig

# Sections the running bridge cannot take without a restart; cameras and schedules it applies live.
LIVE_SECTIONS = ("cameras", "schedules")


def changed_cameras(before: SiteConfig, after: SiteConfig) -> list[str]:
    """Ids of the cameras added, removed or changed, a changed schedule changing the cameras using it."""

    def described(site: SiteConfig) -> dict[str, object]:
        return {
            camera.id: (
                camera.model_dump(mode="json"),
                {
                    s.schedule: site.schedules[s.schedule].model_dump(mode="json")
                    for s in camera.skills
                    if s.schedule
                },
            )
            for camera in site.cameras
        }

    old, new = described(before), described(after)
    return sorted(c for c in old.keys() | new.keys() if old.get(c) != new.get(c))


def _counting_skills(site: SiteConfig) -> set[tuple[str, str, str, float]]:
    return {
        (camera.id, skill.label, skill.line, skill.interval_s)
        for camera in site.cameras
        for skill in camera.skills
        if isinstance(skill, CountingConfig)
    }


def restart_needed(before: SiteConfig, after: SiteConfig) -> list[str]:
    """What changed that only a restart applies: sections other than cameras and schedules, and the
    counting skills, whose CSV export is set up at start (their live events flow at once)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    sections = sorted(
        k for k in old.keys() | new.keys() if k not in LIVE_SECTIONS and old.get(k) != new.get(k)
    )
    if _counting_skills(before) != _counting_skills(after):
        sections.append("counting skills (CSV export)")
    return sections
