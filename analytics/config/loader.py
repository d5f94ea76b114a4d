"""Reading the integrator's TOML file into a typed model, with errors naming the key and its line.

Both processes read the same file: the bridge the whole site, `analytics run` only its schedules and
cameras. Every problem found is reported at once, as `cameras[1].zones[0].polygon (line 42): ...`.
"""

import math
import re
import tomllib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from analytics.config.camera import AnalyticsSite
from analytics.config.cross_references import CROSS_REFERENCE_ERROR, dotted
from analytics.config.toml_lines import KeyPath, key_lines, line_of

# Validation context key: the directory relative paths of the file (secret files, CA file) start from.
CONFIG_DIR = "config_dir"

M = TypeVar("M", bound=BaseModel)

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")


@dataclass(frozen=True)
class Problem:
    key: str = ""
    line: int | None = None
    message: str = ""
    # pydantic's error type and its context (bounds, expected values; never the input): what a reader's
    # language needs to say the message again. Empty for the loader's and the box's own problems; not
    # part of a problem's identity.
    kind: str = field(default="", compare=False)
    context: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = self.key if self.line is None else f"{self.key} (line {self.line})"
        return f"{where}: {self.message}"


class ConfigError(Exception):
    """The file cannot be used; `problems` lists everything wrong with it, not only the first thing."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join([f"invalid config file {path}:", *(str(p) for p in problems)]))

    def redacted(self, redact: Callable[[str], str]) -> "ConfigError":
        """The same error with `redact` applied to every message: messages quote values as typed,
        and a value typed where it does not belong (a URL with its password) must not be shown."""
        return ConfigError(self.path, [replace(p, message=redact(p.message)) for p in self.problems])


def load_model(path: str | Path, model_cls: type[M], tables: Collection[str] | None = None) -> M:
    """Validate the TOML file at `path` as `model_cls`, keeping only the top-level `tables` if given."""
    path = Path(path)
    return parse_model(_read(path), path, model_cls, tables)


def parse_model(text: str, path: Path, model_cls: type[M], tables: Collection[str] | None = None) -> M:
    """Validate `text`, the TOML content meant for `path` (relative paths start from its directory),
    as `load_model` does: the configuration box checks a draft this way before writing it."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem = _syntax_problem(path, str(error))
    else:
        if tables is not None:
            data = {name: value for name, value in data.items() if name in tables}
        lines = key_lines(text)
        problems = [
            Problem(dotted(key), line_of(lines, key), f"{value} is not a finite number")
            for key, value in _non_finite(data)
        ]
        try:
            model = model_cls.model_validate(data, context={CONFIG_DIR: path.parent})
        except ValidationError as error:
            # A non-finite value also breaks its field's bounds: said once, as not finite.
            flagged = {problem.key for problem in problems}
            problems += [p for p in _problems(error, data, lines) if p.key not in flagged]
        else:
            if not problems:
                return model
        # Raised outside the except clause so that the pydantic error, whose inputs may hold a resolved
        # secret, is not chained to the ConfigError.
        raise ConfigError(path, problems)
    raise ConfigError(path, [problem])


def load_analytics_site(path: str | Path) -> AnalyticsSite:
    """The schedules and cameras of the integrator's file, as `analytics run` and the daemon need them."""
    return load_model(path, AnalyticsSite, tables=("schedules", "cameras"))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = "no such file"
    except IsADirectoryError:
        message = "is a directory, not a TOML file"
    except UnicodeDecodeError:
        message = "not a TOML file (not UTF-8 text)"
    except OSError as error:
        message = f"cannot read: {error.strerror}"
    raise ConfigError(path, [Problem(str(path), None, message)])


def _syntax_problem(path: Path, message: str) -> Problem:
    position = _TOML_POSITION.search(message)
    line = int(position.group(1)) if position else None
    return Problem(path.name, line, f"not valid TOML: {_TOML_POSITION.sub('', message)}")


def _non_finite(node: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, float]]:
    """Every inf or nan of the file (TOML has them): no setting of the runtime is meant to be one, and
    a field without an upper bound would take them."""
    if isinstance(node, float) and not math.isfinite(node):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_finite(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _non_finite(value, (*path, index))


def _problems(error: ValidationError, data: dict[str, Any], lines: dict[KeyPath, int]) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False, include_input=False):
        path = _path_in_file(detail["loc"], data)
        if detail["type"] == CROSS_REFERENCE_ERROR:
            described = [(path + tuple(relative), message) for relative, message in detail["ctx"]["problems"]]
        else:
            described = [_describe(path, detail)]
        kind = "" if detail["type"] == CROSS_REFERENCE_ERROR else detail["type"]
        context = tuple(
            (name, str(value)) for name, value in detail.get("ctx", {}).items() if name != "error"
        )
        problems += [
            Problem(dotted(key), line_of(lines, key), message, kind, context) for key, message in described
        ]
    return problems


def _path_in_file(loc: tuple[str | int, ...], data: dict[str, Any]) -> KeyPath:
    """The error location as keys of the file: pydantic adds union members and tagged-union tags
    (`skills.0.loitering.zone`) that the file does not have."""
    path: KeyPath = ()
    node: Any = data
    for index, part in enumerate(loc):
        in_file = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if in_file:
            node = node[part]
        elif not (index == len(loc) - 1 and isinstance(node, dict)):
            continue  # not a key of the file; the last part may be a missing key
        path += (part,)
    return path


def _describe(path: KeyPath, detail: ErrorDetails) -> tuple[KeyPath, str]:
    kind, ctx = detail["type"], detail.get("ctx", {})
    if kind == "missing":
        return path, "missing required key"
    if kind == "extra_forbidden":
        return path, "unknown key (check its spelling and the table it is in)"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = (*path, str(ctx["discriminator"]).strip("'"))
        if kind == "union_tag_not_found":
            return key, "missing required key"
        return key, f"unknown value '{ctx['tag']}' (expected one of {ctx['expected_tags']})"
    message = detail["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return path, message
