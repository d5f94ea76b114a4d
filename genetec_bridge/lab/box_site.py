"""The configuration box on a copy of the example site file, on a real local socket, in front of a
stand-in for the running bridge: its configuration, a status set from outside (empty by default),
apply recorded (the trust loop taking the new skills as the bridge's does), and a trust loop on the
file's own trust store; its test events go through a real outbox (beside the file) and the real
delivery service to the Web SDK client given. The box's browser tests and `genetec-lab box-screenshots` start it this way."""

import asyncio
import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from analytics.assets import REPO_ROOT
from analytics.frame_tracks import FrameTracks
from genetec_bridge.box.login_throttle import Clock
from genetec_bridge.box.server import BoxServer
from genetec_bridge.config.changes import changed_cameras
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.delivery.test_event import TestEvents
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.link.analysed_pictures import AnalysedPicture
from genetec_bridge.trust.service import TrustService
from genetec_bridge.websdk.client import WebSdkClient

EXAMPLE = REPO_ROOT / "fixtures/site-example.toml"
# The example reads Security Center's password from this variable; the stand-in never uses it.
PASSWORD_ENV = "GENETEC_PASSWORD"
# The example's own stores beside the copy: its audit trail, statistics and trust stores.
OWN_STORES = (
    ("[audit]\n", '[audit]\npath = "box/audit.jsonl"\n'),
    ('# store_path = "statistics.sqlite3"', 'store_path = "statistics.sqlite3"'),
    ('# store_path = "trust.sqlite3"', 'store_path = "trust.sqlite3"'),
)


@dataclass
class StandInBridge:
    site: SiteConfig
    trust: TrustService
    test_events: TestEvents
    applied: list[list[str]] = field(default_factory=list)
    tracks: dict[str, list[FrameTracks]] = field(default_factory=dict)
    pictures: dict[str, AnalysedPicture] = field(default_factory=dict)
    status: BridgeStatus = field(default_factory=BridgeStatus)

    def history(self, camera_id: str, within: timedelta | None = None) -> list[FrameTracks]:
        frames = self.tracks.get(camera_id, [])
        if within is None or not frames or frames[-1].timestamp is None:
            return frames
        newest = frames[-1].timestamp
        return [f for f in frames if f.timestamp is not None and f.timestamp >= newest - within]

    def analysed_picture(self, camera_id: str) -> AnalysedPicture | None:
        return self.pictures.get(camera_id)

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


def write_example_box_site(directory: Path, box: str = "") -> Path:
    """The example site with its own stores and the box enabled (`box`: more [box] keys), beside a copy
    of the example's secret files so that relative secret paths resolve. Accounts are the caller's."""
    os.environ.setdefault(PASSWORD_ENV, "example-password")
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in OWN_STORES:
        if old not in text:
            raise ValueError(f"the example site no longer contains {old!r}")
        text = text.replace(old, new, 1)
    text += f"""
[box]
enabled = true
port = 0
accounts_path = "box/accounts.json"
versions_dir = "box/versions"
{box}"""
    shutil.copytree(EXAMPLE.parent / "secrets", directory / "secrets", dirs_exist_ok=True)
    path = directory / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


@asynccontextmanager
async def running_box(
    path: Path,
    websdk: WebSdkClient | None = None,
    clock: Clock = time.monotonic,
    wall_clock: Clock = time.time,
) -> AsyncIterator[tuple[BoxServer, StandInBridge]]:
    """`clock` paces login throttling; `wall_clock` dates the hand checks' windows and taps."""
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
    server = BoxServer(site.box, site.audit.path, path, bridge, websdk, clock)
    server.context.clock = wall_clock
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
def box_in_background(
    path: Path,
    websdk: WebSdkClient | None = None,
    clock: Clock = time.monotonic,
    wall_clock: Clock = time.time,
) -> Iterator[tuple[str, StandInBridge]]:
    """The box served from its own event loop in a thread, while Playwright drives this one."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    box = running_box(path, websdk, clock, wall_clock)
    server, bridge = asyncio.run_coroutine_threadsafe(box.__aenter__(), loop).result(30)
    try:
        yield server.url.rstrip("/"), bridge
    finally:
        asyncio.run_coroutine_threadsafe(box.__aexit__(None, None, None), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
