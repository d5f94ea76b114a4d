"""Keep the Web SDK in view: ping it, create the site's custom events once, report reachability.

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
        self._on_created = on_created
        self._ping_s = ping_s
        self._sleep = sleep
        self.status = WebSdkStatus()

    async def run(self) -> None:
        """Forever: ping, create missing custom events, sleep; failures back off up to a minute."""
        definitions_ready = not self._wanted
        backoff = Backoff(initial_s=1.0, max_s=60.0)
        while True:
            try:
                await self._client.ping()
                if not definitions_ready:
                    created = await self._client.ensure_custom_events(self._wanted)
                    definitions_ready = True
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
            await self._sleep(self._ping_s)
