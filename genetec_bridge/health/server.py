"""The maintainer's HTTP endpoints, on 127.0.0.1 unless configured otherwise.

/healthz  200 while the process serves requests (liveness);
/readyz   200 when the Web SDK is reachable (and its alarm stream, when alarms are configured), the
          daemon connected and every camera streaming,
          else 503 with the reasons as JSON;
/metrics  Prometheus text format;
/status   the whole BridgeStatus as JSON.

Every response is built from `snapshot()` and passed through credential redaction: component errors
may quote a URL, and nothing here may show a secret.
"""

import json
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.readiness import not_ready_reasons
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.redaction import redact_credentials

Snapshot = Callable[[], BridgeStatus]


def health_app(snapshot: Snapshot) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        reasons = not_ready_reasons(snapshot())
        body = {"ready": not reasons, "reasons": reasons}
        return _json(body, status=503 if reasons else 200)

    async def metrics(_request: web.Request) -> web.Response:
        text = redact_credentials(render_metrics(snapshot).decode())
        return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def status(_request: web.Request) -> web.Response:
        return _json(snapshot().model_dump(mode="json"))

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/status", status)
    return app


def _json(body: object, status: int = 200) -> web.Response:
    return web.json_response(text=redact_credentials(json.dumps(body)), status=status)


class HealthServer:
    """Runs the endpoints on the current event loop; port 0 takes a free port (see `port`)."""

    def __init__(self, snapshot: Snapshot, host: str = "127.0.0.1", port: int = 8088) -> None:
        self._runner = web.AppRunner(health_app(snapshot), access_log=None)
        self.host = host
        self.port = port

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # What was actually bound: the port chosen for 0, the address for a host name.
        self.host, self.port = self._runner.addresses[0][:2]

    async def stop(self) -> None:
        await self._runner.cleanup()
