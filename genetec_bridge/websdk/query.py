"""The `q` query language of the Web SDK, in both directions.

Building (client): free text is escaped (`\\,` for commas) and percent-encoded only where the server
needs it; GUIDs are sent dashed, as every working client does. Parsing (fake server): top-level commas
split terms, respecting `()`, `{}` and the `\\,` escape.
"""

import uuid
from datetime import UTC, datetime
from urllib.parse import quote

# Characters the Web SDK reads as syntax inside a value (calls, sets, the escape itself) or refuses
# outright (`#`): free text gets look-alikes instead, since no escape for them is documented.
_TEXT_LOOKALIKES = str.maketrans({"#": "No.", "(": "[", ")": "]", "{": "[", "}": "]", "\\": "/"})
_TEXT_SAFE = "-_.~!*'@:;=$"


def escape_text(text: str) -> str:
    """A free-text `q` argument (bookmark text, names): `\\,` for commas, then percent-encoded."""
    return quote(text.translate(_TEXT_LOOKALIKES).replace(",", "\\,"), safe=_TEXT_SAFE + "\\")


def encode_path_segment(text: str) -> str:
    """A free-text URL path segment (the message of RaiseCustomEvent)."""
    return quote(text.replace("#", "No."), safe="")


def canonical_guid(value: str) -> str:
    """Dashed lower-case GUID from the dashed, undashed or braced form; ValueError otherwise."""
    return str(uuid.UUID(value.strip().strip("{}")))


def iso_utc(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and `Z`, the bookmark time format real clients send."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def split_terms(q: str) -> list[str]:
    """Split a decoded `q` on top-level commas; `\\,` and commas inside `()` or `{}` do not split."""
    terms: list[str] = []
    current: list[str] = []
    depth = 0
    index = 0
    while index < len(q):
        char = q[index]
        if char == "\\" and index + 1 < len(q):
            current.append(q[index : index + 2])
            index += 2
            continue
        if char in "({":
            depth += 1
        elif char in ")}":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            terms.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    terms.append("".join(current).strip())
    return [term for term in terms if term]


def unescape_text(value: str) -> str:
    """Inverse of the `\\,` escape (and of `\\` forcing a value to be read as a name)."""
    return value.replace("\\,", ",").removeprefix("\\")


def parse_call(term: str) -> tuple[str, list[str]] | None:
    """`Name(a, b)` → ("Name", ["a", "b"]); None when the term is not a call."""
    opening = term.find("(")
    if opening <= 0 or not term.endswith(")"):
        return None
    return term[:opening].strip(), split_terms(term[opening + 1 : -1])
