"""Logging in and out, and choosing the language.

The login form is protected against cross-site posting by a double-submit token (a cookie and a
form field that must match), since there is no session yet to hold one.
"""

import math
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from genetec_bridge.box.accounts import MAX_NAME, Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import LANGUAGE_COOKIE, LANGUAGES, language, translator
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import CSRF_FIELD, SESSION_COOKIE, public, requires, same_token

LOGIN_CSRF_COOKIE = "box_login_csrf"


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
    response = render(
        request, "login.html", status=status, login_csrf=token, error=error, next_path=_local_path(next_path)
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
    address = request.remote or "?"
    wait_s = context.throttle.retry_after(user, address)
    if wait_s > 0:
        return _login_form(request, 429, t("login.locked", seconds=math.ceil(wait_s)), next_path)
    account = await context.work.check_password(context.accounts.verify, user, password)
    if account is None:
        context.throttle.failed(user, address)
        context.audit.append(user, "account.login_failed", user, {"address": address})
        return _login_form(request, 401, t("login.failed"), next_path)
    context.throttle.succeeded(user, address)
    session_token, _ = context.sessions.open(account.name, account.role)
    context.audit.append(
        account.name, "account.login", account.name, {"address": address, "role": account.role}
    )
    response = web.HTTPSeeOther(_local_path(next_path))
    response.set_cookie(
        SESSION_COOKIE, session_token, httponly=True, samesite="Strict", secure=context.config.tls, path="/"
    )
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
    raise response


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
