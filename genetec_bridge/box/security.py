"""Who may reach what: one middleware in front of every route of the box.

Each handler says the least role it needs (`requires(Role.X)`) or that it is `public`. A request
without a live session gets 401 (a page: a redirect to the login form); a role too low gets 403;
a state-changing request without the session's CSRF token (header X-CSRF-Token or form field
csrf_token) gets 403. The API's refusals say why twice: `error` for scripts, `message` in the
person's language; a page's refusal is a page (genetec_bridge.box.error_pages). Pages also carry
headers that keep them out of frames and caches, and a content security policy that lets nothing but
the box's own files run.
"""

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.page_error import PageError
from genetec_bridge.box.sessions import Session

SESSION_COOKIE = "box_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_KEY: web.RequestKey[Session] = web.RequestKey("session", Session)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def public(handler: Handler) -> Handler:
    handler.box_public = True  # type: ignore[attr-defined]
    return handler


def requires(role: Role) -> Callable[[Handler], Handler]:
    def mark(handler: Handler) -> Handler:
        handler.box_role = role  # type: ignore[attr-defined]
        return handler

    return mark


def same_token(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def _refuse(request: web.Request, status: int, message: str, key: str) -> web.Response:
    """`error` for scripts (stable English), `message` for the person, in their language; a page's
    refusal becomes a page of its own (genetec_bridge.box.error_pages)."""
    if _is_api(request):
        shown = translator(language(request))(key)
        return web.json_response({"error": message, "message": shown}, status=status)
    raise PageError(status, key)


async def _csrf_token(request: web.Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.post()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


@web.middleware
async def security_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await _guarded(request, handler)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    target: Any = getattr(request.match_info, "handler", handler)
    if getattr(target, "box_public", False) or request.path.startswith("/static/"):
        return await handler(request)
    needed: Role | None = getattr(target, "box_role", None)
    if needed is None:
        # A route that forgot to say who may reach it is closed, not open.
        return _refuse(request, 404, "not found", "error.not_found")
    context = request.app[CONTEXT]
    session = context.sessions.get(request.cookies.get(SESSION_COOKIE))
    if session is None:
        if request.method in SAFE_METHODS and not _is_api(request):
            raise web.HTTPSeeOther(f"/login?next={request.path_qs}")
        return _refuse(request, 401, "log in first", "error.login_first")
    if not session.role.allows(needed):
        return _refuse(request, 403, "your role does not allow this", "error.forbidden")
    if request.method not in SAFE_METHODS and not same_token(await _csrf_token(request), session.csrf):
        return _refuse(request, 403, "CSRF token missing or wrong", "error.csrf")
    request[SESSION_KEY] = session
    return await handler(request)
