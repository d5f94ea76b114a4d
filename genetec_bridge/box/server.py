"""The box's web server: the aiohttp application, its pages and its listener (HTTPS with a
certificate in [box], else HTTP), on the bridge's event loop. The pages' blocking work runs in the
box's own bounded pool (genetec_bridge.box.work); a request past its limits is refused at once."""

import asyncio
import importlib
import logging
import ssl
import time
from pathlib import Path

from aiohttp import web

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import AccountStore
from genetec_bridge.box.camera_names import CameraNames
from genetec_bridge.box.config import BoxConfig
from genetec_bridge.box.context import CONTEXT, BoxContext, RunningBridge
from genetec_bridge.box.error_pages import error_pages
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.login_throttle import Clock, FailedLogins, LoginThrottle
from genetec_bridge.box.pages.login import AUDIT_ROUND_S, FailedLoginAudit
from genetec_bridge.box.security import Handler, security_middleware
from genetec_bridge.box.sessions import SessionStore
from genetec_bridge.box.site_file import SiteFile
from genetec_bridge.box.versions import VersionStore
from genetec_bridge.box.work import BoxBusy, BoxWork
from genetec_bridge.websdk.client import WebSdkClient

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
# One module per page or route group, each with `register(app)`; a new page is one more line here.
PAGE_MODULES = (
    "genetec_bridge.box.pages.login",
    "genetec_bridge.box.pages.cameras",
    "genetec_bridge.box.pages.health",
    "genetec_bridge.box.pages.editor",
    "genetec_bridge.box.pages.preview",
    "genetec_bridge.box.pages.versions",
    "genetec_bridge.box.pages.audit",
    "genetec_bridge.box.pages.review",
    "genetec_bridge.box.pages.privacy",
    "genetec_bridge.box.pages.traffic",
    "genetec_bridge.box.pages.users",
    "genetec_bridge.box.pages.hand_check",
    "genetec_bridge.box.pages.ground_grid",
)


@web.middleware
async def busy_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A request past the box's limits: refused with the reason, and when to try again."""
    try:
        return await handler(request)
    except BoxBusy as busy:
        headers = {"Retry-After": str(busy.retry_after_s)}
        if request.path.startswith("/api/"):
            message = translator(language(request))("error.busy", seconds=busy.retry_after_s)
            return web.json_response(
                {"error": str(busy), "message": message}, status=busy.status, headers=headers
            )
        return web.Response(status=busy.status, text=str(busy), headers=headers)


def box_app(context: BoxContext) -> web.Application:
    # Outermost: the refusals of the others become pages in the reader's language.
    app = web.Application(
        middlewares=[error_pages, security_middleware, busy_middleware], client_max_size=2 * 1024 * 1024
    )
    app[CONTEXT] = context
    for module in PAGE_MODULES:
        importlib.import_module(module).register(app)
    app.router.add_static("/static", STATIC_DIR, append_version=True)
    return app


def box_context(
    config: BoxConfig,
    audit_path: Path,
    config_path: Path,
    bridge: RunningBridge,
    websdk: WebSdkClient,
    clock: Clock = time.monotonic,
) -> BoxContext:
    """`audit_path` is the site's [audit] trail: the box's logins and changes join the bridge's entries.
    `clock` (monotonic seconds) times sessions and the login throttle; tests move it instead of sleeping."""
    audit = AuditTrail(audit_path)
    return BoxContext(
        config=config,
        site_file=SiteFile(config_path, VersionStore(config.versions_dir), audit),
        accounts=AccountStore(config.accounts_path),
        sessions=SessionStore(config.session_idle_min * 60, clock),
        throttle=LoginThrottle(
            config.login_attempts, config.login_lockout_s, config.login_failures_per_min, clock
        ),
        failed_logins=FailedLogins(config.login_lockout_s, clock),
        audit=audit,
        bridge=bridge,
        websdk=websdk,
        work=BoxWork(),
        camera_names=CameraNames(websdk),
    )


class BoxServer:
    def __init__(
        self,
        config: BoxConfig,
        audit_path: Path,
        config_path: Path,
        bridge: RunningBridge,
        websdk: WebSdkClient,
        clock: Clock = time.monotonic,
    ) -> None:
        self.config = config
        self.context = box_context(config, audit_path, config_path, bridge, websdk, clock)
        self._runner = web.AppRunner(box_app(self.context), access_log=None)
        self._failed_logins = FailedLoginAudit(self.context)
        self._auditing: asyncio.Task[None] | None = None
        self.host = config.listen
        self.port = config.port

    @property
    def url(self) -> str:
        return f"{'https' if self.config.tls else 'http'}://{self.host}:{self.port}/"

    async def start(self) -> None:
        await self._runner.setup()
        tls = None
        if self.config.tls_cert is not None and self.config.tls_key is not None:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(self.config.tls_cert, self.config.tls_key)
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=tls)
        await site.start()
        self.host, self.port = self._runner.addresses[0][:2]
        if not self.config.accounts_path.exists():
            log.warning("configuration box has no account yet: create one with `genetec-bridge box add-user`")
        self._auditing = asyncio.create_task(self._failed_logins.every(AUDIT_ROUND_S))
        log.info("configuration box on %s", self.url)

    async def stop(self) -> None:
        await self._runner.cleanup()
        if self._auditing is not None:
            self._auditing.cancel()
        await self._failed_logins.flush(everything=True)
        # Waits for work already at work (a snapshot ends within its capture timeouts).
        self.context.work.close()
