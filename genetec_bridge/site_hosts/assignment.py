"""Cameras to analysis hosts by expected load: a balanced proposal the integrator pastes into the site file.

A camera's expected load is its analysis rate (fps): the host's share of it is reading, decoding,
motion gating, tracking and skills, all per frame (detection itself runs on the shared Triton pool).
Longest-processing-time-first: the heaviest camera goes to the host that would be least loaded
relative to its capacity. That is within 4/3 of the best balance, and stable: same site, same answer.
"""

from dataclasses import dataclass

from genetec_bridge.config.site import SiteConfig


@dataclass(frozen=True, slots=True)
class Placement:
    camera_id: str
    camera_name: str
    load: float
    host: str


def balance(site: SiteConfig) -> list[Placement]:
    """One placement per camera, in the site file's camera order."""
    if not site.hosts:
        raise ValueError("the site has no [[hosts]] to assign cameras to")
    loads = {host.name: 0.0 for host in site.hosts}
    capacity = {host.name: host.capacity for host in site.hosts}
    chosen: dict[str, str] = {}
    for camera in sorted(site.cameras, key=lambda c: (-c.fps, c.id)):
        host = min(loads, key=lambda name: ((loads[name] + camera.fps) / capacity[name], name))
        loads[host] += camera.fps
        chosen[camera.id] = host
    return [Placement(c.id, c.name, c.fps, chosen[c.id]) for c in site.cameras]


def host_loads(placements: list[Placement]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for placement in placements:
        totals[placement.host] = totals.get(placement.host, 0.0) + placement.load
    return totals
