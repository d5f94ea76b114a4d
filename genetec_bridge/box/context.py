"""What every page of the box reaches through `request.app[CONTEXT]`."""

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from aiohttp import web

from analytics.frame_tracks import FrameTracks
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import AccountStore
from genetec_bridge.box.camera_names import CameraNames
from genetec_bridge.box.config import BoxConfig
from genetec_bridge.box.login_throttle import FailedLogins, LoginThrottle
from genetec_bridge.box.sessions import SessionStore
from genetec_bridge.box.site_file import SiteFile
from genetec_bridge.box.work import BoxWork
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.delivery.test_event import TestEvents
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.link.analysed_pictures import AnalysedPicture
from genetec_bridge.trust.service import TrustService
from genetec_bridge.websdk.client import WebSdkClient


class RunningBridge(Protocol):
    """The bridge as the box sees it: its running configuration, its status, live apply, the last
    tracks of each camera with the picture of the newest analysed one, its trust loop (review queue, verdicts,
    modes) and its test events."""

    @property
    def site(self) -> SiteConfig: ...

    def snapshot(self) -> BridgeStatus:
        """The last status gathered in the background: constant time, safe on the event loop."""
        ...

    def apply(self, site: SiteConfig) -> Awaitable[list[str]]: ...

    def history(self, camera_id: str, within: timedelta | None = None) -> Sequence[FrameTracks]: ...

    def analysed_picture(self, camera_id: str) -> AnalysedPicture | None:
        """The picture of the camera's newest analysed frame; asking keeps the camera's pictures."""
        ...

    @property
    def trust(self) -> TrustService: ...

    @property
    def test_events(self) -> TestEvents:
        """The health page's test events, through the bridge's own outbox and delivery."""
        ...


@dataclass
class BoxContext:
    config: BoxConfig
    site_file: SiteFile
    accounts: AccountStore
    sessions: SessionStore
    throttle: LoginThrottle
    failed_logins: FailedLogins
    audit: AuditTrail
    bridge: RunningBridge
    websdk: WebSdkClient
    work: BoxWork
    camera_names: CameraNames
    # The wall clock of the hand checks' windows and taps (a test runs them on simulated time).
    clock: Callable[[], float] = time.time

    @property
    def zone(self) -> ZoneInfo:
        """The site's clock, on which the box shows every time (box/site_time.py)."""
        return self.bridge.site.counting.zone


CONTEXT: web.AppKey[BoxContext] = web.AppKey("box", BoxContext)
