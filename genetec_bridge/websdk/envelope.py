"""The `Rsp` envelope: `{"Rsp":{"Status":"Ok","Result":...}}` or `Status:"Fail"` with an SdkErrorCode.

`parse_envelope` returns the `Result` (None when absent) or raises a typed error; it never lets a
KeyError or a JSON error escape, because the bytes come from the network.
"""

import json
from typing import Any

from genetec_bridge.websdk.errors import WebSdkFailure, WebSdkProtocolError
from genetec_bridge.websdk.legacy_xml import parse_legacy_xml


def parse_envelope(body: bytes) -> Any:
    """Result of a `text/json` envelope, or of a legacy XML one when the server ignored our Accept."""
    if body.lstrip()[:1] == b"<":
        return parse_legacy_xml(body)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise WebSdkProtocolError(f"Web SDK answer is not JSON: {error}") from None
    return envelope_result(document)


def envelope_result(document: Any) -> Any:
    """Result of an already decoded `text/json` envelope (also used for event-stream parts)."""
    rsp = document.get("Rsp") if isinstance(document, dict) else None
    if not isinstance(rsp, dict):
        raise WebSdkProtocolError("Web SDK answer has no Rsp object")
    status = rsp.get("Status")
    result = rsp.get("Result")
    if status == "Ok":
        return result
    if not isinstance(status, str):
        raise WebSdkProtocolError("Web SDK answer has no Status")
    details = result if isinstance(result, dict) else {}
    # Statuses other than Ok/Fail (TooManyResults...) carry no SdkErrorCode: the status names the error.
    code = details.get("SdkErrorCode", status)
    message = details.get("Message", "")
    raise WebSdkFailure(str(code), str(message), status)


def as_list(result: Any) -> list[dict[str, Any]]:
    """Entity reads answer an object for one entity and a list for several: always give a list."""
    if result is None or result == "":
        return []
    if isinstance(result, dict):
        return [result]
    if isinstance(result, list) and all(isinstance(item, dict) for item in result):
        return result
    raise WebSdkProtocolError(
        f"Web SDK Result is neither an object nor a list of objects: {type(result).__name__}"
    )
