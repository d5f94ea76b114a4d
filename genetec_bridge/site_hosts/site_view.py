"""One health view of a site spread over several hosts: each host's /status, merged by camera.

Every camera must be reported by the host it is assigned to and by no other; a host that does not
answer, a camera nobody reports or one reported twice is a problem, named in the view.
"""

import asyncio
from typing import Any

import httpx
from pydantic import BaseModel, Field

from genetec_bridge.config.site import SiteConfig
from genetec_bridge.redaction import redact_credentials


class HostView(BaseModel):
    name: str
    health_url: str
    reachable: bool
    error: str | None = None
    daemon_connected: bool | None = None
    inference: dict[str, Any] | None = Field(None, description="The host daemon's inference tier state.")
    events_pending: int | None = None


class CameraView(BaseModel):
    camera_id: str
    name: str
    host: str = Field(description="The host the site file assigns it to.")
    reported_by: list[str] = Field(default_factory=list)
    streaming: bool = False
    frames_analysed: int = 0


class SiteView(BaseModel):
    hosts: list[HostView]
    cameras: list[CameraView]
    problems: list[str]


async def _status(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.get(f"{url.rstrip('/')}/status")
    response.raise_for_status()
    return response.json()


async def gather_statuses(site: SiteConfig, timeout_s: float = 5.0) -> dict[str, dict[str, Any] | str]:
    """Each host's /status, or the error that kept it from answering (never raises)."""
    async with httpx.AsyncClient(timeout=timeout_s) as client:
        answers = await asyncio.gather(
            *(_status(client, host.health_url) for host in site.hosts), return_exceptions=True
        )
    return {
        host.name: answer
        if isinstance(answer, dict)
        else redact_credentials(str(answer) or type(answer).__name__)
        for host, answer in zip(site.hosts, answers, strict=True)
    }


def merge(site: SiteConfig, statuses: dict[str, dict[str, Any] | str]) -> SiteView:
    """Pure: the site view from each host's status (or error)."""
    problems: list[str] = []
    hosts: list[HostView] = []
    reports: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for host in site.hosts:
        status = statuses.get(host.name, "no answer")
        if isinstance(status, str):
            hosts.append(HostView(name=host.name, health_url=host.health_url, reachable=False, error=status))
            problems.append(f"host {host.name} unreachable: {status}")
            continue
        daemon = status.get("daemon", {})
        hosts.append(
            HostView(
                name=host.name,
                health_url=host.health_url,
                reachable=True,
                daemon_connected=daemon.get("connected"),
                inference=daemon.get("inference"),
                events_pending=status.get("delivery", {}).get("pending"),
            )
        )
        inference = daemon.get("inference") or {}
        if inference and not inference.get("available", True):
            problems.append(f"host {host.name}: inference tier {inference.get('target')} unavailable")
        for camera in status.get("cameras", []):
            reports.setdefault(camera["camera_id"], []).append((host.name, camera))
    cameras = []
    for camera in site.cameras:
        reported = reports.pop(camera.id, [])
        by = [name for name, _ in reported]
        own = next((c for name, c in reported if name == camera.analysis_host), {})
        cameras.append(
            CameraView(
                camera_id=camera.id,
                name=camera.name,
                host=camera.analysis_host or "",
                reported_by=by,
                streaming=bool(own.get("streaming")),
                frames_analysed=int(own.get("frames_analysed", 0)),
            )
        )
        reachable = {h.name for h in hosts if h.reachable}
        if camera.analysis_host in reachable and camera.analysis_host not in by:
            problems.append(f"camera {camera.id}: not reported by its host {camera.analysis_host}")
        if len(by) > 1 or (by and by != [camera.analysis_host]):
            problems.append(f"camera {camera.id}: reported by {by}, assigned to {camera.analysis_host}")
    problems += [
        f"camera {camera_id}: reported by {[n for n, _ in r]} but not in the site file"
        for camera_id, r in reports.items()
    ]
    return SiteView(hosts=hosts, cameras=cameras, problems=problems)
