"""Errors as a person sees them: every refusal or failure of a page (not of the API, whose JSON the
page scripts read) becomes a page of the box in the reader's language, with a way on; never a raw
status line, a traceback or a path of the server. The technical detail, when there is one worth
keeping (which key of the file, which value), is folded under the message.

A handler, and the security middleware for a page (role, form token, session), refuses with
`PageError` (a message key of genetec_bridge.box.i18n and its values); an aiohttp HTTP error, the
busy middleware's plain-text refusal and an unexpected exception (logged) get the message of their
status, the handler's own text folded under it."""

import logging

from aiohttp import web

from analytics.config.loader import ConfigError
from genetec_bridge.box.config_french import problem_line
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.page_error import PageError
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SECURITY_HEADERS, Handler

log = logging.getLogger(__name__)

STATUS_MESSAGES = {
    400: "error.bad_request",
    401: "error.login_first",
    403: "error.forbidden",
    404: "error.not_found",
    405: "error.method",
    413: "error.too_large",
    429: "error.busy",
    503: "error.busy",
}
DEFAULT_RETRY_S = "2"
# Kept from the refused response: how long to wait before trying again.
KEPT_HEADERS = ("Retry-After",)


def problem_lines(error: ConfigError, lang: str) -> list[str]:
    """What is wrong, by key of the file, in `lang`: without the file's path, which is the server's
    business."""
    return [problem_line(problem, lang) for problem in error.problems]


def _page(request: web.Request, error: PageError, headers: dict[str, str]) -> web.Response:
    t = translator(language(request))
    href, label = error.link or (
        ("/login", "login.title") if error.status == 401 else ("/cameras", "error.back")
    )
    page = render(
        request,
        "error.html",
        status=error.status,
        message=t(error.key, **error.values),
        details=error.details,
        link_href=href,
        link_text=t(label, **error.values),
    )
    page.headers.update(headers)
    for name, value in SECURITY_HEADERS.items():
        page.headers.setdefault(name, value)
    page.headers["Cache-Control"] = "no-store"
    return page


def _of_status(status: int, detail: str | None, headers: dict[str, str]) -> PageError:
    key = STATUS_MESSAGES.get(status, "error.internal" if status >= 500 else "error.bad_request")
    seconds = headers.get("Retry-After", DEFAULT_RETRY_S)
    return PageError(status, key, details=[detail] if detail else [], seconds=seconds)


def _own_text(error: web.HTTPException) -> str | None:
    """The handler's explanation, not aiohttp's "404: Not Found"."""
    text = error.text
    return None if not text or text == f"{error.status}: {error.reason}" else text


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(("/api/", "/static/")):
        return await handler(request)
    try:
        response = await handler(request)
    except PageError as error:
        return _page(request, error, {})
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return _page(request, _of_status(error.status, _own_text(error), {}), {})
    except Exception:
        log.exception("box page %s %s failed", request.method, request.path)
        return _page(request, PageError(500, "error.internal"), {})
    if response.status < 400 or response.content_type != "text/plain":
        return response
    # A refusal written for machines by a middleware behind this one (busy).
    kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    detail = response.text if isinstance(response, web.Response) else None
    return _page(request, _of_status(response.status, detail, kept), kept)
