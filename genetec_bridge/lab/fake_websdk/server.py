"""Run the fake Web SDK: an aiohttp server on real sockets, bound to 127.0.0.1 unless told otherwise."""

import asyncio
import signal

from aiohttp import web

from genetec_bridge.lab.fake_websdk import control
from genetec_bridge.lab.fake_websdk.failures import Failures
from genetec_bridge.lab.fake_websdk.routes import CREDENTIALS, FAILURES, STATE, Credentials, websdk
from genetec_bridge.lab.fake_websdk.state import FakeState


class FakeWebSdkServer:
    def __init__(
        self,
        state: FakeState,
        failures: Failures,
        credentials: Credentials,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.host = host
        self.port = port
        self.app = web.Application(middlewares=[control.local_only])
        self.app[STATE] = state
        self.app[FAILURES] = failures
        self.app[CREDENTIALS] = credentials
        self.app[control.REFUSE] = self.refuse
        control.add_routes(self.app)
        self.app.router.add_route("*", "/{tail:.*}", websdk)
        self._runner = web.AppRunner(self.app, handle_signals=False)
        self._site: web.TCPSite | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/WebSdk/"

    async def start(self) -> None:
        await self._runner.setup()
        await self._listen()

    async def _listen(self) -> None:
        self._site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await self._site.start()
        server = self._site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            # With port 0 the system picked one: remember it so a restart after an outage reuses it.
            self.port = sockets[0].getsockname()[1]

    async def refuse(self, duration_s: float) -> None:
        """Outage by refusal: stop listening and cut open connections, then listen again."""
        loop = asyncio.get_running_loop()
        # Let the control request that asked for this get its answer before connections are cut.
        loop.call_later(0.1, lambda: asyncio.ensure_future(self._refuse_for(duration_s)))

    async def _refuse_for(self, duration_s: float) -> None:
        if self._site is not None:
            await self._site.stop()
        server = self._runner.server
        for connection in list(server.connections if server else []):
            connection.force_close()
            if connection.transport is not None:
                connection.transport.abort()
        self.app[STATE].drop_all_sessions()
        print(f"outage: refusing connections for {duration_s:g} s", flush=True)
        await asyncio.sleep(duration_s)
        await self._listen()
        print("outage over: listening again", flush=True)

    async def stop(self) -> None:
        await self._runner.cleanup()


async def serve(server: FakeWebSdkServer, outage_at_start_s: float = 0.0) -> None:
    """Serve until SIGINT or SIGTERM; the 'listening on' line tells scripts the server is ready."""
    await server.start()
    print(f"fake Web SDK listening on {server.base_url}", flush=True)
    if outage_at_start_s:
        await server.refuse(outage_at_start_s)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()
