"""The maintainer's HTTP endpoints, on 127.0.0.1 unless configured otherwise.

/healthz  200 while the process serves requests (liveness);
/readyz   200 when the core works: Web SDK reachable, daemon connected, some camera streaming
          (one camera down among many makes the bridge degraded, not unready),
          else 503 with the reasons as JSON;
/metrics  Prometheus text format;
/status   the whole BridgeStatus as JSON, with `state` ok/degraded and the `problems` by name.

/metrics and /status describe the site (camera names, errors): with a token configured they answer
only `Authorization: Bearer <token>` (401 otherwise). The configuration requires a token when the
server listens off loopback. /healthz and /readyz stay open for probes: they show no detail of the
site beyond component errors.

Every response is built from `snapshot()` and passed through credential redaction: component errors
may quote a URL, and nothing here may show a secret.
"""

import hmac
import json
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.readiness import not_ready_reasons, status_report
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.redaction import redact_credentials

Snapshot = Callable[[], BridgeStatus]
Handler = Callable[[web.Request], Awaitable[web.Response]]


def bearer_token_required(token: str | None, handler: Handler) -> Handler:
    """`handler`, answering 401 unless the request carries `Authorization: Bearer <token>`."""
    if token is None:
        return handler
    expected = f"Bearer {token}".encode()

    async def guarded(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        # Constant time: the comparison must not tell an attacker how much of the token was right.
        if not hmac.compare_digest(given, expected):
            return web.json_response(
                {"error": "a bearer token is required"},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="genetec-bridge"'},
            )
        return await handler(request)

    return guarded


def health_app(snapshot: Snapshot, token: str | None = None) -> web.Application:
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
        return _json(status_report(snapshot()).model_dump(mode="json"))

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", bearer_token_required(token, metrics))
    app.router.add_get("/status", bearer_token_required(token, status))
    return app


def _json(body: object, status: int = 200) -> web.Response:
    return web.json_response(text=redact_credentials(json.dumps(body)), status=status)


class HealthServer:
    """Runs the endpoints on the current event loop; port 0 takes a free port (see `port`)."""

    def __init__(
        self, snapshot: Snapshot, host: str = "127.0.0.1", port: int = 8088, token: str | None = None
    ) -> None:
        self._runner = web.AppRunner(health_app(snapshot, token), access_log=None)
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
