"""How the fake answers: the `text/json` Rsp envelope, legacy XML when the client sent no `text/json`
Accept, and the non-Rsp HTML bodies of 401/403/404/411."""

import json
from typing import Any

from aiohttp import web
from lxml import etree

from genetec_bridge.websdk.errors import WebSdkFailure


def wants_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "").lower()
    return "text/json" in accept or "application/json" in accept


def ok(request: web.Request, result: Any = None) -> web.Response:
    if not wants_json(request):
        return _xml(_legacy_ok(result))
    rsp: dict[str, Any] = {"Status": "Ok"}
    if result is not None:
        rsp["Result"] = result
    return web.Response(text=json.dumps({"Rsp": rsp}), content_type="application/json")


def fail(request: web.Request, failure: WebSdkFailure) -> web.Response:
    """Fail answers come with HTTP 200, as observed on real servers."""
    if not wants_json(request):
        root = etree.Element("rsp", status="fail")
        error = etree.SubElement(root, "error")
        etree.SubElement(error, "code").text = failure.code
        etree.SubElement(error, "message").text = failure.message
        return _xml(root)
    body = {"Rsp": {"Status": "Fail", "Result": {"SdkErrorCode": failure.code, "Message": failure.message}}}
    return web.Response(text=json.dumps(body), content_type="application/json")


def html(status: int, title: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        text=f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>",
        content_type="text/html",
        headers=headers,
    )


def _legacy_ok(result: Any) -> etree._Element:
    root = etree.Element("rsp", status="ok")
    if isinstance(result, dict) and set(result) == {"Guid"}:
        # Entity creation answers `<Guid>` in legacy XML.
        etree.SubElement(root, "Guid").text = str(result["Guid"])
        return root
    rows = [result] if isinstance(result, dict) else result
    if isinstance(rows, list) and rows:
        table = etree.SubElement(root, "QueryResult")
        names = list(dict.fromkeys(key for row in rows for key in row))
        header = etree.SubElement(table, "HeaderRow")
        for name in names:
            etree.SubElement(header, "Cell", name=name)
        for row in rows:
            row_element = etree.SubElement(table, "Row")
            for name in names:
                value = row.get(name)
                etree.SubElement(row_element, "Cell").text = "" if value is None else _text(value)
    return root


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _xml(root: etree._Element) -> web.Response:
    return web.Response(
        body=etree.tostring(root, xml_declaration=True, encoding="utf-8"), content_type="application/xml"
    )
