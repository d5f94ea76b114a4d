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

Every response is built from `snapshot()`, the last status the bridge gathered in the background
(genetec_bridge.health.snapshots): a request reads no store and computes no figure, /readyz answers on
the loop from that snapshot, and /status and /metrics are rendered in the server's own worker thread
(not the loop, not a store's writer), at most once a second each. Each carries the snapshot's age. Every response is passed through
credential redaction: component errors may quote a URL, and nothing here may show a secret.
"""

import hmac
import json
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.readiness import not_ready_reasons, status_report
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.redaction import redact_credentials
from genetec_bridge.workers import WorkerPool

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


def health_app(snapshot: Snapshot, pool: WorkerPool, token: str | None = None) -> web.Application:
    """`pool` renders /status and /metrics, off the event loop."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        last = snapshot()
        reasons = not_ready_reasons(last)
        body = {"ready": not reasons, "reasons": reasons, "snapshot_age_s": last.age_s(time.time())}
        return _json(body, status=503 if reasons else 200)

    metrics_page, status_page = _Rendered(_metrics_text, pool), _Rendered(_status_text, pool)

    async def metrics(_request: web.Request) -> web.Response:
        text = await metrics_page.text(snapshot())
        return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def status(_request: web.Request) -> web.Response:
        return web.json_response(text=await status_page.text(snapshot()))

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", bearer_token_required(token, metrics))
    app.router.add_get("/status", bearer_token_required(token, status))
    return app


def _json(body: object, status: int = 200) -> web.Response:
    return web.json_response(text=redact_credentials(json.dumps(body)), status=status)


class _Rendered:
    """A page rendered in `pool` at most once a second for one snapshot: a flood of requests costs one
    rendering a second, and the age it shows is right to the second, also when the refresh is stuck."""

    def __init__(self, render: Callable[[BridgeStatus], str], pool: WorkerPool) -> None:
        self._render = render
        self._pool = pool
        self._kept: tuple[BridgeStatus, int, str] | None = None

    async def text(self, status: BridgeStatus) -> str:
        second = int(time.time())
        kept = self._kept
        # A snapshot is never changed once taken (the keeper replaces it); one without `taken_at` was
        # not gathered by the keeper and is rendered each time.
        if kept is not None and kept[0] is status and kept[1] == second and status.taken_at is not None:
            return kept[2]
        text = await self._pool.run(self._render, status)
        self._kept = (status, second, text)
        return text


def _metrics_text(status: BridgeStatus) -> str:
    return redact_credentials(render_metrics(lambda: status).decode())


def _status_text(status: BridgeStatus) -> str:
    return redact_credentials(json.dumps(status_report(status).model_dump(mode="json")))


class HealthServer:
    """Runs the endpoints on the current event loop; port 0 takes a free port (see `port`)."""

    def __init__(
        self, snapshot: Snapshot, host: str = "127.0.0.1", port: int = 8088, token: str | None = None
    ) -> None:
        # Two threads: a scrape being rendered does not hold up a /status.
        self._pool = WorkerPool("health-render", 2)
        self._runner = web.AppRunner(health_app(snapshot, self._pool, token), access_log=None)
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
        self._pool.close()
