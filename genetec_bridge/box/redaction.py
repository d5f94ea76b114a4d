"""Secrets kept out of the site file's saved versions and their diffs.

A secret is any key the site's typed models declare as one (`password`, `token`): its inline value
is replaced by a marker before a version is written (a `{ env = ... }` or `{ file = ... }` reference
names where the secret is, not the secret, and stays). A rollback puts back the secrets of the file
as it is now, at the same keys; a key with no secret there any more is refused, naming it.
"""

import types
import typing
from collections.abc import Iterator
from typing import Any

import tomlkit
from pydantic import BaseModel, SecretStr
from tomlkit.items import AoT, Array, String, StringType, Table

from genetec_bridge.config.site import SiteConfig

REDACTED = "(secret, not kept in versions)"
KeyPath = tuple[str | int, ...]


def _types(annotation: Any) -> Iterator[Any]:
    """The annotation and every type inside it (unions, lists, Annotated)."""
    yield annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated, list, dict):
        for argument in typing.get_args(annotation):
            yield from _types(argument)


def _secret_keys(model: type[BaseModel]) -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        for found in _types(field.annotation):
            if found is SecretStr:
                keys.add(name)
            elif isinstance(found, type) and issubclass(found, BaseModel) and found is not model:
                keys |= _secret_keys(found)
    return keys


SECRET_KEYS = frozenset(_secret_keys(SiteConfig))


def _strings(container: Any, path: KeyPath = ()) -> Iterator[tuple[Any, str, KeyPath]]:
    """(container, key, path) of every inline string under a secret key."""
    if isinstance(container, (AoT, Array, list)):
        for index, item in enumerate(container):
            yield from _strings(item, (*path, index))
        return
    if not isinstance(container, (dict, Table)):
        return
    for key, value in container.items():
        if key in SECRET_KEYS and isinstance(value, str):
            yield container, key, (*path, key)
        else:
            yield from _strings(value, (*path, key))


def _replaced(old: Any, value: str) -> String:
    """`value` in place of `old`, keeping the line's comment."""
    return String(StringType.SLB, value, value, old.trivia)


def redact(text: str) -> str:
    document = tomlkit.parse(text)
    for container, key, _ in list(_strings(document)):
        container[key] = _replaced(container[key], REDACTED)
    return tomlkit.dumps(document)


def _at(document: Any, path: KeyPath) -> Any:
    for step in path:
        document = document[step]
    return document


def key_name(path: KeyPath) -> str:
    """`genetec.password`, `hosts[1].token`: the key as the config loader names it."""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def restore(redacted: str, current: str) -> str:
    """`redacted` with the secrets of `current` at the same keys; KeyError naming a key that has none."""
    document = tomlkit.parse(redacted)
    now = tomlkit.parse(current)
    for container, key, path in list(_strings(document)):
        if container[key] != REDACTED:
            continue
        try:
            container[key] = _at(now, path)
        except (KeyError, IndexError, TypeError):
            raise KeyError(key_name(path)) from None
    return tomlkit.dumps(document)
