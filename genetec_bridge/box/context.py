"""What every page of the box reaches through `request.app[CONTEXT]`."""

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from aiohttp import web

from analytics.frame_tracks import FrameTracks
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import AccountStore
from genetec_bridge.box.camera_names import CameraNames
from genetec_bridge.box.config import BoxConfig
from genetec_bridge.box.sessions import LoginThrottle, SessionStore
from genetec_bridge.box.site_file import SiteFile
from genetec_bridge.box.work import BoxWork
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.delivery.test_event import TestEvents
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.trust.service import TrustService
from genetec_bridge.websdk.client import WebSdkClient


class RunningBridge(Protocol):
    """The bridge as the box sees it: its running configuration, its status, live apply, the last
    tracks of each camera, its trust loop (review queue, verdicts, modes) and its test events."""

    @property
    def site(self) -> SiteConfig: ...

    def snapshot(self) -> BridgeStatus:
        """The last status gathered in the background: constant time, safe on the event loop."""
        ...

    def apply(self, site: SiteConfig) -> Awaitable[list[str]]: ...

    def history(self, camera_id: str, within: timedelta | None = None) -> Sequence[FrameTracks]: ...

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
    audit: AuditTrail
    bridge: RunningBridge
    websdk: WebSdkClient
    work: BoxWork
    camera_names: CameraNames


CONTEXT: web.AppKey[BoxContext] = web.AppKey("box", BoxContext)
