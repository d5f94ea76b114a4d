"""The configuration box on a copy of the example site file, run on a real local socket, in front of
a stand-in for the running bridge (its configuration, a status the test sets (empty by default), apply recorded (the trust loop taking the new skills as the bridge's does), and a trust loop
on the file's own trust store), whose test events go through a real outbox (beside the file) and the
real delivery service to the Web SDK client given."""

import asyncio
import os
import re
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

from analytics.frame_tracks import FrameTracks
from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.box.server import BoxServer
from genetec_bridge.config.changes import changed_cameras
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.delivery.test_event import TestEvents
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.trust.service import TrustService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

PASSWORDS = {
    "ines": "integrator-password-1",
    "ivan": "integrator-password-2",
    "rita": "reviewer-password",
    "victor": "viewer-password-1",
}
ROLES = {"ines": Role.INTEGRATOR, "ivan": Role.INTEGRATOR, "rita": Role.REVIEWER, "victor": Role.VIEWER}


@dataclass
class StandInBridge:
    site: SiteConfig
    trust: TrustService
    test_events: TestEvents
    applied: list[list[str]] = field(default_factory=list)
    tracks: dict[str, list[FrameTracks]] = field(default_factory=dict)
    status: BridgeStatus = field(default_factory=BridgeStatus)

    def history(self, camera_id: str, within: timedelta | None = None) -> list[FrameTracks]:
        frames = self.tracks.get(camera_id, [])
        if within is None or not frames or frames[-1].timestamp is None:
            return frames
        newest = frames[-1].timestamp
        return [f for f in frames if f.timestamp is not None and f.timestamp >= newest - within]

    def snapshot(self) -> BridgeStatus:
        return self.status

    async def apply(self, site: SiteConfig) -> list[str]:
        changed = changed_cameras(self.site, site)
        self.site = site
        # As the bridge does: the trust loop takes the new skills and stores their first modes.
        self.trust.take_skills(site)
        self.trust.initialise_modes()
        self.applied.append(changed)
        return changed


_accounts_text: str | None = None


def _accounts(path: Path) -> None:
    """The test accounts, hashed once per test session (argon2 is slow on purpose) and copied."""
    global _accounts_text
    if _accounts_text is None:
        store = AccountStore(path)
        for name, password in PASSWORDS.items():
            store.add(name, ROLES[name], password)
        _accounts_text = path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_accounts_text)


def _own_stores(text: str) -> str:
    """The example with its audit trail, statistics and trust stores beside the file (the test's)."""
    text = edited(text, "[audit]\n", '[audit]\npath = "box/audit.jsonl"\n')
    text = edited(text, '# store_path = "statistics.sqlite3"', 'store_path = "statistics.sqlite3"')
    return edited(text, '# store_path = "trust.sqlite3"', 'store_path = "trust.sqlite3"')


def write_box_site(directory: Path, box: str = "") -> Path:
    os.environ.setdefault(PASSWORD_ENV, "example-password")
    text = (
        _own_stores(example_text())
        + f"""
[box]
enabled = true
port = 0
accounts_path = "box/accounts.json"
versions_dir = "box/versions"
{box}"""
    )
    path = write_site(directory, text)
    _accounts(load_site_config(path).box.accounts_path)
    return path


@asynccontextmanager
async def running_box(
    path: Path, websdk: WebSdkClient | None = None
) -> AsyncIterator[tuple[BoxServer, StandInBridge]]:
    site = load_site_config(path)
    # By default nothing listens on port 9: the cameras page shows Security Center unreachable, at once.
    websdk = websdk or WebSdkClient("http://127.0.0.1:9/WebSdk", "nobody", "none", timeout=2)
    outbox = Outbox(path.parent / "box/outbox.sqlite3")
    delivery = DeliveryService(
        websdk, outbox, retry_initial_s=site.delivery.retry_initial_s, retry_max_s=site.delivery.retry_max_s
    )
    bridge = StandInBridge(
        site, TrustService(site), TestEvents(delivery, websdk, site.box.test_custom_event_id)
    )
    delivering = asyncio.create_task(delivery.run())
    server = BoxServer(site.box, site.audit.path, path, bridge, websdk)
    await server.start()
    try:
        yield server, bridge
    finally:
        await server.stop()
        delivering.cancel()
        await asyncio.gather(delivering, return_exceptions=True)
        await websdk.aclose()
        bridge.trust.close()
        outbox.close()


@contextmanager
def box_in_background(path: Path, websdk: WebSdkClient | None = None) -> Iterator[tuple[str, StandInBridge]]:
    """The box served from its own event loop in a thread, while Playwright drives this one."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    box = running_box(path, websdk)
    server, bridge = asyncio.run_coroutine_threadsafe(box.__aenter__(), loop).result(30)
    try:
        yield server.url.rstrip("/"), bridge
    finally:
        asyncio.run_coroutine_threadsafe(box.__aexit__(None, None, None), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def login(client: httpx.AsyncClient, user: str, password: str | None = None) -> httpx.Response:
    """Log in through the form, with its CSRF token."""
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return await client.post(
        "/login", data={"user": user, "password": password or PASSWORDS[user], "csrf_token": token}
    )


async def session(base: str, user: str) -> tuple[httpx.AsyncClient, str]:
    """A logged-in client and its session's CSRF token (read from a page)."""
    client = httpx.AsyncClient(base_url=base)
    response = await login(client, user)
    assert response.status_code == 303, response.text
    page = await client.get("/cameras")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client, csrf
