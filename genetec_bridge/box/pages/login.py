"""Logging in and out, and choosing the language.

The login form is protected against cross-site posting by a double-submit token (a cookie and a
form field that must match), since there is no session yet to hold one. Logins are throttled per
address and across the box (box/login_throttle.py); a refused login says which, in the reader's
language. The password check and the successful login's audit line run in the box's pool; failed
logins reach the audit trail as one line per address and window (`FailedLoginAudit`), written off
the loop too, and kept for the next round when the box's pool is full.
"""

import asyncio
import math
import secrets
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import MAX_NAME, Account, AccountStore, Role
from genetec_bridge.box.context import CONTEXT, BoxContext
from genetec_bridge.box.i18n import LANGUAGE_COOKIE, LANGUAGES, language, translator
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import CSRF_FIELD, SESSION_COOKIE, public, requires, same_token
from genetec_bridge.box.work import BoxBusy

LOGIN_CSRF_COOKIE = "box_login_csrf"
FAILED_LOGIN_ACTION = "account.login_failed"
# The failed logins' audit lines have no account: the name typed is what is in doubt.
ANONYMOUS = "(anonymous)"
# How often closed windows of failed logins are looked for (cheap when there are none): an address's
# line reaches the audit trail at most this long after its window closes.
AUDIT_ROUND_S = 5.0


def _local_path(target: str | None) -> str:
    """Where to go after logging in: a path of the box only, never another site."""
    if not target:
        return "/cameras"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/cameras"
    return target


def _login_form(
    request: web.Request, status: int = 200, error: str | None = None, next_path: str = ""
) -> web.Response:
    token = secrets.token_urlsafe(32)
    wait = request.app[CONTEXT].throttle.wait(_address(request))
    response = render(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        error=error,
        paused_everywhere=wait is not None and wait.everywhere and error is None,
        next_path=_local_path(next_path),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=request.app[CONTEXT].config.tls,
        path="/login",
    )
    return response


@public
async def login_page(request: web.Request) -> web.Response:
    return _login_form(request, next_path=request.query.get("next", ""))


@public
async def login(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    t = translator(language(request))
    form = await request.post()
    # Names are short; a longer one cannot exist and is cut before it reaches the audit trail.
    user, password = str(form.get("user", ""))[:MAX_NAME], str(form.get("password", ""))
    next_path = str(form.get("next", ""))
    token = form.get(CSRF_FIELD)
    if not same_token(str(token) if token else None, request.cookies.get(LOGIN_CSRF_COOKIE, "~")):
        return _login_form(request, 403, t("login.expired"), next_path)
    address = _address(request)
    wait = context.throttle.wait(address)
    if wait is not None:
        context.failed_logins.refused(address)
        key = "login.paused_everywhere" if wait.everywhere else "login.locked"
        return _login_form(request, 429, t(key, seconds=math.ceil(wait.seconds)), next_path)
    account = await context.work.check_password(
        _checked, context.accounts, context.audit, user, password, address
    )
    if account is None:
        context.throttle.failed(address)
        context.failed_logins.failed(address, user)
        return _login_form(request, 401, t("login.failed"), next_path)
    session_token, _ = context.sessions.open(account.name, account.role, address)
    response = web.HTTPSeeOther(_local_path(next_path))
    response.set_cookie(
        SESSION_COOKIE, session_token, httponly=True, samesite="Strict", secure=context.config.tls, path="/"
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
    raise response


def _address(request: web.Request) -> str:
    return request.remote or "?"


def _checked(
    accounts: AccountStore, audit: AuditTrail, user: str, password: str, address: str
) -> Account | None:
    account = accounts.verify(user, password)
    if account is not None:
        audit.append(account.name, "account.login", account.name, {"address": address, "role": account.role})
    return account


class FailedLoginAudit:
    """Writes the failed logins' closed windows (one line per address) to the audit trail."""

    def __init__(self, context: BoxContext) -> None:
        self._context = context
        self._pending: list[tuple[str, dict[str, Any]]] = []

    async def every(self, period_s: float) -> None:
        while True:
            await asyncio.sleep(period_s)
            await self.flush()

    async def flush(self, everything: bool = False) -> None:
        self._pending += self._context.failed_logins.closed(everything)
        if not self._pending:
            return
        lines, self._pending = self._pending, []
        try:
            await self._context.work.run(ANONYMOUS, _write_failures, self._context.audit, lines)
        except BoxBusy:
            self._pending = lines + self._pending


def _write_failures(audit: AuditTrail, lines: list[tuple[str, dict[str, Any]]]) -> None:
    for address, details in lines:
        audit.append(ANONYMOUS, FAILED_LOGIN_ACTION, address, details)


@requires(Role.VIEWER)
async def logout(request: web.Request) -> web.StreamResponse:
    request.app[CONTEXT].sessions.close(request.cookies.get(SESSION_COOKIE))
    response = web.HTTPSeeOther("/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


@public
async def choose_language(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"]
    referer = urlsplit(request.headers.get("Referer", ""))
    back = referer.path if referer.netloc == request.host and referer.path else "/cameras"
    response = web.HTTPSeeOther(_local_path(back))
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, samesite="Strict", max_age=365 * 86400, path="/")
    raise response


@public
async def home(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/cameras")


def register(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/lang/{code}", choose_language)
