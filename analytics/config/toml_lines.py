"""Where each key of a TOML text is written: the line numbers behind config error messages.

tomllib keeps no positions, so the text is scanned for table headers and `key =` lines. Lines inside
a value spanning several lines (an array, a multi-line string) are skipped, so a row of a polygon
such as `[0.1, 0.2]` is never taken for a table header.
"""

import re
import tomllib

KeyPath = tuple[str | int, ...]

_PART = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_KEY = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY})\s*(\]\]?)\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(rf"^\s*({_KEY})\s*=")
_STRING = re.compile(r"""\"(?:[^"\\]|\\.)*"|'[^']*'""")


def _dotted_parts(key: str) -> tuple[str, ...]:
    parts: list[str] = []
    node = tomllib.loads(f"{key} = 0")
    while isinstance(node, dict):
        name = next(iter(node))
        parts.append(name)
        node = node[name]
    return tuple(parts)


def _nesting(code: str) -> int:
    """Brackets and braces a line opens minus those it closes, outside strings and comments."""
    code = _STRING.sub('""', code).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each table and key path (`("cameras", 1, "zones", 0, "polygon")`) to its 1-based line."""
    found: dict[KeyPath, int] = {}
    arrays: dict[KeyPath, int] = {}  # array of tables (path without its index) -> tables seen so far
    table: KeyPath = ()
    depth = 0
    multiline: str | None = None

    def note(path: KeyPath, number: int) -> None:
        for end in range(1, len(path) + 1):
            found.setdefault(path[:end], number)

    for number, line in enumerate(text.splitlines(), start=1):
        if multiline is not None:
            if line.count(multiline) % 2 == 1:
                multiline = None
            continue
        if depth == 0 and (header := _HEADER.match(line)):
            parts = _dotted_parts(header.group(2))
            path: KeyPath = ()
            for part in parts[:-1]:
                path += (part,)
                if path in arrays:
                    path += (arrays[path] - 1,)
            path += (parts[-1],)
            if header.group(1) == "[[":
                arrays[path] = arrays.get(path, 0) + 1
                path += (arrays[path] - 1,)
            table = path
            note(table, number)
            continue
        if depth == 0 and (assignment := _ASSIGNMENT.match(line)):
            note(table + _dotted_parts(assignment.group(1)), number)
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2 == 1:
                multiline = quotes
        depth = max(depth + _nesting(line), 0)
    return found


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """Line of `path`, or of its nearest enclosing key or table written in the file."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
