"""The privacy documents of the running configuration (register, a data sheet and a public notice per
camera), in the box's language, as genetec_bridge.privacy renders them: HTML served by the box (its
own inline style sheet, nothing from elsewhere), Markdown and PDF to download."""

import base64
import hashlib
import re
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from aiohttp import web

from genetec_bridge.box.accounts import Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import language
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SECURITY_HEADERS, SESSION_KEY, requires
from genetec_bridge.privacy.documents import Document, site_documents

_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
CONTENT_TYPES = {"md": "text/markdown", "pdf": "application/pdf"}
P = ParamSpec("P")
T = TypeVar("T")


async def _in_box_thread(
    request: web.Request, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    return await request.app[CONTEXT].work.run(request[SESSION_KEY].user, function, *args, **kwargs)


async def _documents(request: web.Request) -> list[Document]:
    return await _in_box_thread(
        request, site_documents, request.app[CONTEXT].bridge.site, [language(request)]
    )


@requires(Role.VIEWER)
async def privacy_page(request: web.Request) -> web.Response:
    return render(request, "privacy.html", documents=await _documents(request))


def _document_policy(html: str) -> str:
    """The box's policy, except the document's own inline style sheet, allowed by its hash alone."""
    styles = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'"
        for style in _STYLE.findall(html)
    )
    return SECURITY_HEADERS["Content-Security-Policy"] + "; style-src " + (styles or "'none'")


@requires(Role.VIEWER)
async def privacy_document(request: web.Request) -> web.Response:
    name, output = request.match_info["name"], request.match_info["format"]
    documents = await _documents(request)
    document = next((d for d in documents if d.name == name), None)
    if document is None:
        raise web.HTTPNotFound(text=f"no privacy document {name}")
    if output == "html":
        html = await _in_box_thread(request, document.html)
        return web.Response(
            text=html, content_type="text/html", headers={"Content-Security-Policy": _document_policy(html)}
        )
    if output not in CONTENT_TYPES:
        raise web.HTTPNotFound(text=f"no format {output}")
    content = await _in_box_thread(request, document.render, "pdf" if output == "pdf" else "md")
    body = content.encode() if isinstance(content, str) else content
    return web.Response(
        body=body,
        content_type=CONTENT_TYPES[output],
        charset="utf-8" if output == "md" else None,
        headers={
            "Content-Disposition": f'attachment; filename="{document.name}.{document.language}.{output}"'
        },
    )


def register(app: web.Application) -> None:
    app.router.add_get("/privacy", privacy_page)
    app.router.add_get(r"/privacy/{name}.{format:html|md|pdf}", privacy_document)
