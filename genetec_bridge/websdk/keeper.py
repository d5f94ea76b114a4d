"""Keep the Web SDK in view: ping it, create the site's custom events (again when a configuration
applied without a restart wants new ones), report reachability.

Web SDK failures are expected (an outage, a restart of the role): they are reported and retried with
back-off here. Anything else is a bug that ends `run`; the bridge runs it under `Loops`.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from genetec_bridge.backoff import Backoff
from genetec_bridge.health.status import WebSdkStatus
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.errors import WebSdkError

log = logging.getLogger(__name__)

PING_S = 30.0


class WebSdkKeeper:
    def __init__(
        self,
        client: WebSdkClient,
        custom_events: Mapping[int, str],
        *,
        ping_s: float = PING_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_created: Callable[[list[int]], Awaitable[None]] | None = None,
    ) -> None:
        self._client = client
        self._wanted = dict(custom_events)
        self._definitions_ready = not self._wanted
        self._woken = asyncio.Event()
        self._on_created = on_created
        self._ping_s = ping_s
        self._sleep = sleep
        self.status = WebSdkStatus()

    def want(self, custom_events: Mapping[int, str]) -> None:
        """The custom events a newly applied configuration needs: created at once, before its first alert."""
        self._wanted = dict(custom_events)
        self._definitions_ready = not self._wanted
        self._woken.set()

    async def run(self) -> None:
        """Forever: ping, create missing custom events, sleep; failures back off up to a minute."""
        backoff = Backoff(initial_s=1.0, max_s=60.0)
        while True:
            try:
                await self._client.ping()
                if not self._definitions_ready:
                    wanted = self._wanted
                    created = await self._client.ensure_custom_events(wanted)
                    # Unless a newer configuration came while they were created: then its turn is next.
                    self._definitions_ready = wanted is self._wanted
                    if created and self._on_created is not None:
                        await self._on_created(created)
                    log.info("custom events ready (%d created)", len(created))
            except WebSdkError as error:
                if self.status.reachable or self.status.last_error is None:
                    log.warning("Web SDK unreachable: %s", error)
                self.status = WebSdkStatus(reachable=False, last_error=str(error))
                await self._sleep(backoff.next_delay())
                continue
            if not self.status.reachable:
                log.info("Web SDK reachable")
            self.status = WebSdkStatus(reachable=True)
            backoff.reset()
            await self._pause()

    async def _pause(self) -> None:
        """The ping period, cut short by `want`."""
        if self._definitions_ready:
            sleeping = asyncio.ensure_future(self._sleep(self._ping_s))
            woken = asyncio.create_task(self._woken.wait())
            try:
                await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeping.cancel()
                woken.cancel()
            if sleeping.done():
                sleeping.result()  # an injected sleep's failure is the loop's, as before
        self._woken.clear()
