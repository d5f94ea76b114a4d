"""What differs between the running site configuration and a new one: which cameras the bridge
reconfigures live, and which sections only a restart applies."""

from genetec_bridge.config.site import SiteConfig

# Sections the running bridge cannot take without a restart; cameras and schedules it applies live.
LIVE_SECTIONS = ("cameras", "schedules")


def changed_cameras(before: SiteConfig, after: SiteConfig) -> list[str]:
    """Ids of the cameras added, removed or changed, a changed schedule changing the cameras using it."""

    def described(site: SiteConfig) -> dict[str, object]:
        return {
            camera.id: (
                # The group only sorts the box's lists: changing it restarts nothing.
                camera.model_dump(mode="json", exclude={"group"}),
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


def restart_needed(before: SiteConfig, after: SiteConfig) -> list[str]:
    """Sections that changed and only a restart applies: all but cameras and schedules (counting skills
    are cameras' skills: the bridge tallies their new lines and intervals at once)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return sorted(k for k in old.keys() | new.keys() if k not in LIVE_SECTIONS and old.get(k) != new.get(k))
