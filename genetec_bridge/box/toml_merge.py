"""Writing new values into a tomlkit document while keeping what the integrator wrote around them.

Only what differs is touched: an unchanged zone keeps its comments and its layout, a changed key
keeps its place (and its end-of-line comment), a new table goes after the existing ones.
"""

from collections.abc import Mapping, MutableMapping
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, InlineTable, Item, Table


def merge(container: MutableMapping[str, Any], new: Mapping[str, Any]) -> None:
    """Make `container` (a tomlkit table or document) hold exactly `new`, in place."""
    for key in [k for k in container if k not in new]:
        del container[key]
    for key, value in new.items():
        if key not in container:
            container[key] = _item(value)
            continue
        current = container[key]
        if _plain(current) == value:
            continue
        if isinstance(value, Mapping) and isinstance(current, Table | InlineTable):
            merge(current, value)
        elif _is_tables(value) and isinstance(current, AoT):
            _merge_tables(current, value)
        else:
            _replace_value(container, key, value)


def _merge_tables(current: AoT, new: list[Mapping[str, Any]]) -> None:
    for index, value in enumerate(new):
        if index < len(current):
            merge(current[index], value)
        else:
            current.append(_item(value))
    while len(current) > len(new):
        current.remove(current[-1])


def _replace_value(container: MutableMapping[str, Any], key: str, value: Any) -> None:
    old = container[key]
    item = _item(value)
    comment = getattr(getattr(old, "trivia", None), "comment", "")
    if comment and isinstance(item, Item):
        item.trivia.comment = comment
        item.trivia.comment_ws = old.trivia.comment_ws
    container[key] = item


def _item(value: Any) -> Any:
    """A tomlkit item for a plain value: tables of tables as [[arrays]], small tables inline-free."""
    if _is_tables(value):
        tables = tomlkit.aot()
        for entry in value:
            tables.append(_table(entry))
        return tables
    if isinstance(value, Mapping):
        return _table(value)
    if isinstance(value, list):
        array: Array = tomlkit.array()
        array.extend(value)
        return array
    return tomlkit.item(value)


def _table(value: Mapping[str, Any]) -> Table:
    table = tomlkit.table()
    for key, entry in value.items():
        table[key] = _item(entry)
    return table


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item
