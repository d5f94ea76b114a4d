"""Legacy XML answers (`<rsp status="ok">`), sent when a request has no `text/json` Accept.

Report rows (`QueryResult/HeaderRow/Row/Cell`) become dicts keyed by header name, so callers see the
same shapes as with `text/json`.
"""

from typing import Any

from lxml import etree

from genetec_bridge.websdk.errors import WebSdkFailure, WebSdkProtocolError

# The parser never resolves entities or fetches DTDs: the bytes come from the network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_legacy_xml(body: bytes) -> Any:
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise WebSdkProtocolError(f"Web SDK XML answer is malformed: {error}") from None
    if not isinstance(root.tag, str) or root.tag.lower() != "rsp":
        raise WebSdkProtocolError("Web SDK XML answer has no rsp root")
    status = (root.get("status") or "").lower()
    if status == "fail":
        error_element = root.find("error")
        code = error_element.findtext("code") if error_element is not None else None
        message = error_element.findtext("message") if error_element is not None else None
        raise WebSdkFailure(code or "Unknown", message or "")
    if status != "ok":
        raise WebSdkProtocolError(f"Web SDK XML answer has status {status!r}")
    return _result(root)


def _result(root: Any) -> Any:
    children = [child for child in root if isinstance(child.tag, str)]
    if not children:
        return None
    query_result = root.find("QueryResult")
    if query_result is not None:
        return _rows(query_result)
    return {child.tag: child.text or "" for child in children}


def _rows(query_result: Any) -> list[dict[str, str]]:
    header = query_result.find("HeaderRow")
    names = (
        [cell.get("name") or f"Cell{index}" for index, cell in enumerate(header.findall("Cell"))]
        if header is not None
        else []
    )
    rows = []
    for row in query_result.findall("Row"):
        cells = row.findall("Cell")
        rows.append(
            {
                (names[index] if index < len(names) else f"Cell{index}"): cell.text or ""
                for index, cell in enumerate(cells)
            }
        )
    return rows
