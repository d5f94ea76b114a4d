"""One name per camera on every page of the box: Security Center's (what operators and Security Desk
know it by), with the site file's name as an alias when it differs.

Security Center's names come from the Web SDK's camera list, which the cameras page reads anyway; the
other pages reuse the last list for `MAX_AGE_S` and ask again past it, for `LIST_TIMEOUT_S` at most,
one request at a time whatever the number of pages asking. While Security Center cannot be reached
(or does not know a camera), the site file's name stands alone.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from genetec_bridge.config.site import SiteConfig
from genetec_bridge.redaction import redact_credentials
from genetec_bridge.websdk.client import CameraInfo, WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

log = logging.getLogger(__name__)

MAX_AGE_S = 60.0
LIST_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class CameraName:
    name: str
    """Security Center's name, else the site file's, else the GUID."""
    alias: str | None = None
    """The site file's name, where Security Center's differs from it."""

    def __str__(self) -> str:
        return f"{self.name} ({self.alias})" if self.alias else self.name


def camera_name(guid: str, security_center: str | None, site_file: str | None) -> CameraName:
    name = security_center or site_file or guid
    return CameraName(name, site_file if site_file and site_file != name else None)


class CameraNames:
    def __init__(self, websdk: WebSdkClient, clock: Callable[[], float] = time.monotonic) -> None:
        self._websdk = websdk
        self._clock = clock
        self._known: dict[str, str] = {}
        self._listed_at: float | None = None
        self._listing = asyncio.Lock()

    def remember(self, cameras: Iterable[CameraInfo]) -> None:
        """Security Center's list, just read by a page: the other pages use it too."""
        self._known = {camera.guid: camera.name for camera in cameras}
        self._listed_at = self._clock()

    async def names(self, site: SiteConfig) -> dict[str, CameraName]:
        """Every camera of the site file and of Security Center's last list, by GUID."""
        await self._refresh()
        configured = {camera.id: camera.name for camera in site.cameras}
        return {
            guid: camera_name(guid, self._known.get(guid), configured.get(guid))
            for guid in configured.keys() | self._known.keys()
        }

    async def _refresh(self) -> None:
        async with self._listing:
            if self._listed_at is not None and self._clock() - self._listed_at < MAX_AGE_S:
                return
            try:
                cameras = await asyncio.wait_for(self._websdk.list_cameras(), LIST_TIMEOUT_S)
            except (WebSdkError, TimeoutError) as error:
                log.info(
                    "camera names from the site file: %s",
                    redact_credentials(str(error) or type(error).__name__),
                )
                self._listed_at = self._clock()  # not asked again at every page while it is down
                return
            self.remember(cameras)
