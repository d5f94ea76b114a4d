"""How the editor draws each skill's form, derived from the skill's typed config model: a new
skill or a new parameter appears in the box without touching the box.

Each field becomes a descriptor the editor script knows how to show: a number with its bounds, a
choice, the watched classes, per-class numbers, the zone or line, the schedule, the alert routing,
a plain text input for names (a custom event's, a skill's), or, for anything else (a red light's
signal), a JSON text area the server validates like the rest.
"""

import types
import typing
from enum import Enum
from typing import Any, Literal, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from analytics.skills.base import AlertRouting, ClassName, LineSkillConfig
from analytics.skills.registry import SKILL_TYPES
from genetec_bridge.box.config_french import field_help

CLASS_NAMES: list[str] = list(get_args(ClassName))
# Shown by the editor itself (the kind selector, the on/off switch beside the skill's title, the zone
# or line selector) or at the alert section.
_SPECIAL = {
    "kind": "kind",
    "zone": "target",
    "line": "target",
    "schedule": "schedule",
    "alert": "alert",
    "alarm": "alarm",
    "enabled": "switch",
}


def _without_none(annotation: Any) -> Any:
    """The type a person fills in: `PrintableText | None` is text (the validators stay the server's)."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            annotation = members[0]
    if get_origin(annotation) is typing.Annotated:
        return get_args(annotation)[0]
    return annotation


def _default(field: FieldInfo) -> Any:
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    if field.default is PydanticUndefined:
        return None
    return field.default.value if isinstance(field.default, Enum) else field.default


def field_descriptor(name: str, field: FieldInfo, kind: str, lang: str) -> dict[str, Any]:
    """The field `name` of the skill `kind` (or "alert"), its help in `lang` (config_french.py)."""
    annotation = _without_none(field.annotation)
    described: dict[str, Any] = {
        "name": name,
        "description": field_help(kind, name, field.description or "", lang),
        "default": _default(field),
        "required": field.is_required(),
    }
    for limit in field.metadata:
        for attribute in ("ge", "gt", "le", "lt"):
            if isinstance(limit, getattr(annotated_types, attribute.capitalize())):
                described[attribute] = getattr(limit, attribute)
    origin, args = get_origin(annotation), get_args(annotation)
    if name in _SPECIAL:
        widget = _SPECIAL[name]
    elif origin is list and args == (ClassName,):
        widget = "classes"
    elif origin is list and get_origin(args[0]) is Literal:
        widget, described["options"] = "choices", list(get_args(args[0]))
    elif origin is dict and args[0] == ClassName:
        widget = "class_numbers"
    elif annotation is bool:
        widget = "bool"
    elif annotation in (int, float):
        widget = "integer" if annotation is int else "number"
    elif origin is Literal:
        widget, described["options"] = "choice", list(args)
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        widget, described["options"] = "choice", [member.value for member in annotation]
    elif annotation is str:
        widget = "text"
    else:
        widget = "json"
    described["widget"] = widget
    return described


_FIRST, _LAST = ("kind", "zone", "line", "enabled"), ("schedule", "cooldown_s", "alert")


def _fields(model: type[BaseModel], kind: str, lang: str) -> list[dict[str, Any]]:
    """The model's fields in the order an integrator fills them: what and where, the skill's own
    parameters, then when (schedule, cool-down) and where alerts go."""

    def rank(name: str) -> tuple[int, int]:
        if name in _FIRST:
            return 0, _FIRST.index(name)
        if name in _LAST:
            return 2, _LAST.index(name)
        return 1, 0

    names = sorted(model.model_fields, key=rank)  # stable: the model's own order within a group
    return [field_descriptor(name, model.model_fields[name], kind, lang) for name in names]


def skill_forms(lang: str = "en") -> dict[str, Any]:
    """{"skills": {kind: {"target": "zone"|"line", "fields": [...], "alert_defaults": {...}}}, "alert": [...],
    "classes": [...]}: `alert_defaults` is what a new routing of that kind starts with."""
    skills = {}
    for config in SKILL_TYPES:
        kind = config.model_fields["kind"].default
        skills[kind] = {
            "target": "line" if issubclass(config, LineSkillConfig) else "zone",
            "fields": _fields(config, kind, lang),
            "alert_defaults": {"phases": list(config.raised_phases), "bookmark": config.bookmarks_by_default},
        }
    return {"skills": skills, "alert": _fields(AlertRouting, "alert", lang), "classes": CLASS_NAMES}
