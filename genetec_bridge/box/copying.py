"""Copying zones, lines, skills or a whole camera's analysis from one camera to others.

What is copied: the zones, lines and skills chosen; a skill brings the zone or lines it uses with it
(else it would name a zone the target does not have). A whole camera is all of its zones, lines and
skills plus its analysis settings (`fps`, `motion`, `detection`: the tiles and the analysed region,
normalised like the zones); what belongs to a camera's own mount and place
stays the target's (privacy masks, ground calibration, stream, Media Gateway, analysis host). The
on/off switches are copied as they are.

Names: a copied item whose name the target already uses is either added under a new name with a
suffix ('Porch' → 'Porch_2', the skills copied with it following), or replaces the target's item of
that name (`on_clash`); the plan lists every renaming and replacement for the editor's preview.

Coordinates are normalised (fractions of the picture's width and height): a copied zone covers the
same part of the target's picture whatever its size in pixels, stretched with it when the target's
picture has another shape (the editor compares the two snapshots and says so).

The trust gate is kept: a copied skill starts in shadow on the target, since a decision to go live
(`live_decided_by`, `live_reason`) was taken for the source camera. A skill that replaces one whose
target had its own decision keeps that decision; a skill keeping the name of one the trust store
knows on the target keeps the mode stored there.
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

OnClash = Literal["suffix", "replace"]
# The settings a whole camera's copy carries besides its zones, lines and skills.
SETTINGS = ("fps", "motion", "detection")
_DECISION = ("live_decided_by", "live_reason")

Table = dict[str, Any]


@dataclass(frozen=True)
class CopyChoice:
    """What the integrator chose to copy: shapes and skills by name, or the whole camera."""

    zones: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()  # by label: `name`, else 'kind:zone'
    whole_camera: bool = False
    on_clash: OnClash = "suffix"

    def describe(self) -> str:
        """For the audit trail: 'the whole camera', or 'zones Porch; skills Porch at night'."""
        if self.whole_camera:
            return "the whole camera"
        chosen = (("zones", self.zones), ("lines", self.lines), ("skills", self.skills))
        return "; ".join(f"{table} {', '.join(names)}" for table, names in chosen if names)


@dataclass
class CopyPlan:
    """One target camera as the copy leaves it, and what the preview says about it."""

    camera: Table
    renamed: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    shadow: list[str] = field(default_factory=list)


def skill_label(skill: Mapping[str, Any]) -> str:
    return str(skill.get("name") or f"{skill.get('kind')}:{skill.get('zone') or skill.get('line')}")


def _unique(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


class CameraCopy:
    """Plans the copy of `choice` from the `source` camera's tables onto any target camera's."""

    def __init__(self, source: Mapping[str, Any], choice: CopyChoice) -> None:
        self._source = copy.deepcopy(dict(source))
        self._choice = choice
        self._skills = [
            s
            for s in self._source.get("skills", [])
            if choice.whole_camera or skill_label(s) in choice.skills
        ]
        missing = set(choice.skills) - {skill_label(s) for s in self._skills}
        missing |= self._unknown("zones", choice.zones) | self._unknown("lines", choice.lines)
        if missing:
            raise KeyError(f"not on the source camera: {', '.join(sorted(missing))}")

    def _unknown(self, table: str, names: tuple[str, ...]) -> set[str]:
        return set(names) - {item["name"] for item in self._source.get(table, [])}

    def _shapes(self, table: str, chosen: tuple[str, ...]) -> list[Table]:
        used = set(chosen)
        for skill in self._skills:
            used |= {skill.get(table[:-1]), *(skill.get("origins", []) if table == "lines" else [])}
        return [
            item for item in self._source.get(table, []) if self._choice.whole_camera or item["name"] in used
        ]

    def onto(self, target: Mapping[str, Any]) -> CopyPlan:
        after = copy.deepcopy(dict(target))
        plan = CopyPlan(after)
        renames = {
            table: self._place(after, table, self._shapes(table, chosen), plan)
            for table, chosen in (("zones", self._choice.zones), ("lines", self._choice.lines))
        }
        for skill in self._skills:
            self._place_skill(after, self._retargeted(skill, renames), plan)
        if self._choice.whole_camera:
            for key in SETTINGS:
                if key in self._source:
                    after[key] = copy.deepcopy(self._source[key])
                else:
                    after.pop(key, None)
        return plan

    def _place(self, after: Table, table: str, items: list[Table], plan: CopyPlan) -> dict[str, str]:
        """Puts the copied zones or lines in; returns their new names where a clash renamed them."""
        renames: dict[str, str] = {}
        if not items:
            return renames  # no empty table written into a camera that has none
        existing = after.setdefault(table, [])
        for item in items:
            names = [shape["name"] for shape in existing]
            placed = copy.deepcopy(item)
            if item["name"] not in names:
                existing.append(placed)
            elif self._choice.on_clash == "replace":
                existing[names.index(item["name"])] = placed
                plan.replaced.append(f"{table[:-1]} {item['name']}")
            else:
                placed["name"] = renames[item["name"]] = _unique(item["name"], set(names))
                existing.append(placed)
                plan.renamed.append(f"{table[:-1]} {item['name']} → {placed['name']}")
        return renames

    @staticmethod
    def _retargeted(skill: Table, renames: Mapping[str, Mapping[str, str]]) -> Table:
        moved = copy.deepcopy(skill)
        zones, lines = renames["zones"], renames["lines"]
        if "zone" in moved:
            moved["zone"] = zones.get(moved["zone"], moved["zone"])
        if "line" in moved:
            moved["line"] = lines.get(moved["line"], moved["line"])
        if "origins" in moved:
            moved["origins"] = [lines.get(origin, origin) for origin in moved["origins"]]
        return moved

    def _place_skill(self, after: Table, skill: Table, plan: CopyPlan) -> None:
        existing = after.setdefault("skills", [])
        labels = [skill_label(s) for s in existing]
        label = skill_label(skill)
        replaced: Table | None = None
        if label not in labels:
            existing.append(skill)
        elif self._choice.on_clash == "replace":
            replaced = existing[labels.index(label)]
            existing[labels.index(label)] = skill
            plan.replaced.append(f"skill {label}")
        else:
            skill["name"] = _unique(label, set(labels))
            existing.append(skill)
            plan.renamed.append(f"skill {label} → {skill['name']}")
        if _gated(skill, replaced):
            plan.shadow.append(skill_label(skill))


def _gated(skill: Table, replaced: Table | None) -> bool:
    """Sends the copied skill through the target's trust gate; True when that took a live request away.
    The target's own decision, where the copy replaces a skill that had one, is kept."""
    alert = skill.get("alert")
    if alert is None:
        return False
    own = (replaced or {}).get("alert") or {}
    if all(own.get(key) for key in _DECISION):
        alert.update({"mode": "live", **{key: own[key] for key in _DECISION}})
        return False
    asked_live = alert.get("mode") == "live"
    for key in _DECISION:
        alert.pop(key, None)
    if asked_live:
        alert["mode"] = "shadow"
    return asked_live
