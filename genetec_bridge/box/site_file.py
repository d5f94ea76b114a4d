"""The integrator's site file as the box edits it: one camera (and the schedules) at a time.

A save is refused with a conflict when the camera changed since the editor loaded it (its etag), is
validated by the same typed models as `check-config` before anything is written, rewrites the file
through tomlkit so that comments and layout stay, is kept as a new version and goes into the audit
trail with a summary of what changed. A conflict is settled by the person who hit it: `compare`
gives the saved version beside theirs, with what differs, for them to keep theirs or take it.

A copy to other cameras (box.copying) is previewed (`preview_copy`: each target as it would be, what
changes, names renamed or replaced, skills sent through the gate, problems) and then written as one
version (`copy_cameras`), refused with a conflict when the source or a target changed since the
preview; its audit entry names the source, the targets and what was copied.
"""

import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from analytics.config.loader import ConfigError, Problem, parse_model
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.copying import CameraCopy, CopyChoice, CopyPlan
from genetec_bridge.box.redaction import restore
from genetec_bridge.box.toml_merge import merge
from genetec_bridge.box.versions import Version, VersionStore
from genetec_bridge.config.site import SiteConfig


class EditConflict(Exception):
    """The camera was changed by someone else since the editor loaded it."""


@dataclass(frozen=True)
class CameraDraft:
    camera: dict[str, Any]
    schedules: dict[str, Any]
    etag: str


def etag(camera: Mapping[str, Any], schedules: Mapping[str, Any]) -> str:
    canonical = json.dumps({"camera": camera, "schedules": schedules}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What an auditor reads: 'zones: added bench', 'skills: changed loitering:bench', 'fps: 5 -> 4'."""
    summary = []
    for table, name_of in (
        ("zones", lambda z: z.get("name")),
        ("lines", lambda ln: ln.get("name")),
        ("skills", lambda s: s.get("name") or f"{s.get('kind')}:{s.get('zone') or s.get('line')}"),
    ):
        old = {name_of(item): item for item in before.get(table, [])}
        new = {name_of(item): item for item in after.get(table, [])}
        summary += [f"{table}: added {name}" for name in new if name not in old]
        summary += [f"{table}: removed {name}" for name in old if name not in new]
        summary += [f"{table}: changed {name}" for name in new if name in old and old[name] != new[name]]
    for key in sorted(set(before) | set(after)):
        if key not in ("zones", "lines", "skills") and before.get(key) != after.get(key):
            summary.append(f"{key}: {json.dumps(before.get(key))} -> {json.dumps(after.get(key))}")
    return summary


def schedule_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """'schedules: added nights', 'schedules: changed market_days'."""
    return (
        [f"schedules: added {name}" for name in after if name not in before]
        + [f"schedules: removed {name}" for name in before if name not in after]
        + [f"schedules: changed {name}" for name in after if name in before and before[name] != after[name]]
    )


@dataclass(frozen=True)
class CopyPreview:
    """One target of a copy: its name and etag now, the plan, and what the plan changes."""

    camera_id: str
    name: str
    etag: str
    plan: CopyPlan
    changes: list[str]


class SiteFile:
    def __init__(self, path: Path, versions: VersionStore, audit: AuditTrail) -> None:
        self.path = path
        self.versions = versions
        self._audit = audit
        self._lock = threading.Lock()

    def site(self) -> SiteConfig:
        return parse_model(self.path.read_text(encoding="utf-8"), self.path, SiteConfig)

    def cameras(self) -> dict[str, str]:
        """Every camera of the file: id → its name there (the id where it has none)."""
        document = tomlkit.parse(self.path.read_text(encoding="utf-8"))
        return {str(c["id"]): str(c.get("name") or c["id"]) for c in document.get("cameras", [])}

    def draft(self, camera_id: str) -> CameraDraft:
        document = tomlkit.parse(self.path.read_text(encoding="utf-8"))
        camera = _camera_table(document, camera_id).unwrap()
        schedules = document.get("schedules", tomlkit.table()).unwrap()
        return CameraDraft(camera, schedules, etag(camera, schedules))

    def compare(
        self, camera_id: str, camera: Mapping[str, Any], schedules: Mapping[str, Any]
    ) -> tuple[CameraDraft, list[str]]:
        """The camera as saved now, and what an editor's version changes from it."""
        saved = self.draft(camera_id)
        return saved, changes(saved.camera, camera) + schedule_changes(saved.schedules, schedules)

    def check_draft(self, camera_id: str, camera: dict[str, Any], schedules: dict[str, Any]) -> SiteConfig:
        """The site as it would be with this camera and these schedules; nothing is written.
        Raises ConfigError (keys as in the file) or KeyError for an unknown camera."""
        document = tomlkit.parse(self.path.read_text(encoding="utf-8"))
        return parse_model(self._merged(document, camera_id, camera, schedules), self.path, SiteConfig)

    def save_camera(
        self,
        actor: str,
        camera_id: str,
        camera: dict[str, Any],
        schedules: dict[str, Any],
        expected_etag: str,
    ) -> tuple[Version, list[str]]:
        """Write the camera's new tables and the schedules; raises EditConflict or ConfigError."""
        with self._lock:
            text = self.path.read_text(encoding="utf-8")
            document = tomlkit.parse(text)
            before = _camera_table(document, camera_id).unwrap()
            old_schedules = document.get("schedules", tomlkit.table()).unwrap()
            if etag(before, old_schedules) != expected_etag:
                raise EditConflict(f"camera {camera_id} was changed since it was opened")
            new_text = self._merged(document, camera_id, camera, schedules)
            parse_model(new_text, self.path, SiteConfig)
            summary = changes(before, camera) + schedule_changes(old_schedules, schedules)
            return self._write(new_text, text, actor, "config.save", camera_id, summary), summary

    def _merged(
        self,
        document: tomlkit.TOMLDocument,
        camera_id: str,
        camera: dict[str, Any],
        schedules: dict[str, Any],
    ) -> str:
        table = _camera_table(document, camera_id)
        if _digits(camera.get("id")) != _digits(table.get("id")):
            raise ConfigError(self.path, [_problem(document, camera_id, "id", "the camera id cannot change")])
        merge(table, camera)
        if schedules or "schedules" in document:
            merge(document, {**document.unwrap(), "schedules": schedules})
        return tomlkit.dumps(document)

    def preview_copy(
        self, source_id: str, choice: CopyChoice, targets: list[str]
    ) -> tuple[list[CopyPreview], list[Problem]]:
        """What copying `choice` from the source onto each target would write, and the problems the
        site would then have (none: it can be written); nothing is written. Raises KeyError."""
        document = tomlkit.parse(self.path.read_text(encoding="utf-8"))
        previews = self._planned(document, source_id, choice, targets)
        try:
            parse_model(tomlkit.dumps(document), self.path, SiteConfig)
        except ConfigError as error:
            return previews, error.problems
        return previews, []

    def copy_cameras(
        self, actor: str, source_id: str, source_etag: str, choice: CopyChoice, targets: Mapping[str, str]
    ) -> tuple[Version, list[str]]:
        """Copy `choice` from the source onto the targets (camera id → the etag the preview showed), as
        one version; raises EditConflict when the source or a target changed since, or ConfigError."""
        with self._lock:
            text = self.path.read_text(encoding="utf-8")
            document = tomlkit.parse(text)
            schedules = document.get("schedules", tomlkit.table()).unwrap()
            for camera_id, expected in {source_id: source_etag, **targets}.items():
                if etag(_camera_table(document, camera_id).unwrap(), schedules) != expected:
                    raise EditConflict(f"camera {camera_id} was changed since the copy was previewed")
            previews = self._planned(document, source_id, choice, list(targets))
            new_text = tomlkit.dumps(document)
            parse_model(new_text, self.path, SiteConfig)
            summary = [f"{p.name}: {change}" for p in previews for change in p.changes]
            details = {"source": source_id, "targets": list(targets), "copied": choice.describe()}
            version = self._write(new_text, text, actor, "config.copy", source_id, summary, details)
            return version, summary

    def _planned(
        self, document: tomlkit.TOMLDocument, source_id: str, choice: CopyChoice, targets: list[str]
    ) -> list[CopyPreview]:
        """Plans the copy onto each target and merges it into `document`."""
        if not targets or source_id in targets or len(set(targets)) != len(targets):
            message = "choose one or more other cameras to copy to, each once"
            raise ConfigError(self.path, [Problem("targets", None, message)])
        source = _camera_table(document, source_id).unwrap()
        try:
            copier = CameraCopy(source, choice)
        except KeyError as missing:
            raise ConfigError(self.path, [Problem("copy", None, missing.args[0])]) from None
        schedules = document.get("schedules", tomlkit.table()).unwrap()
        previews = []
        for camera_id in targets:
            table = _camera_table(document, camera_id)
            before = table.unwrap()
            plan = copier.onto(before)
            merge(table, plan.camera)
            name = str(before.get("name") or camera_id)
            previews.append(
                CopyPreview(camera_id, name, etag(before, schedules), plan, changes(before, plan.camera))
            )
        return previews

    def add_camera(self, actor: str, camera_id: str, name: str) -> Version:
        """Add a Security Center camera to the analysed ones, with no zone and no skill yet."""
        with self._lock:
            text = self.path.read_text(encoding="utf-8")
            document = tomlkit.parse(text)
            try:
                _camera_index(document, camera_id)
            except KeyError:
                pass
            else:
                raise ConfigError(
                    self.path, [Problem("cameras", None, f"camera {camera_id} is already analysed")]
                )
            table = tomlkit.table()
            table["id"] = camera_id
            table["name"] = name
            if "cameras" not in document:
                document["cameras"] = tomlkit.aot()
            document["cameras"].append(table)
            new_text = tomlkit.dumps(document)
            parse_model(new_text, self.path, SiteConfig)
            return self._write(
                new_text, text, actor, "config.add_camera", camera_id, [f"camera added: {name}"]
            )

    def rollback(self, actor: str, number: int) -> Version:
        """Back to version `number`, with the secrets the file holds now (versions keep none)."""
        with self._lock:
            current = self.path.read_text(encoding="utf-8")
            try:
                text = restore(self.versions.text_of(number), current)
            except KeyError as missing:
                message = (
                    f"version {number} had a secret here, which versions do not keep: set it in the file"
                )
                raise ConfigError(self.path, [Problem(missing.args[0], None, message)]) from None
            parse_model(text, self.path, SiteConfig)
            return self._write(text, current, actor, "config.rollback", f"version {number}", [])

    def _write(
        self,
        new_text: str,
        old_text: str,
        actor: str,
        action: str,
        subject: str,
        summary: list[str],
        details: Mapping[str, Any] | None = None,
    ) -> Version:
        if not self.versions.versions():
            self.versions.record(old_text, "(file)", "config.initial")
        temporary = self.path.with_name(self.path.name + ".box-tmp")
        temporary.write_text(new_text, encoding="utf-8")
        os.chmod(temporary, self.path.stat().st_mode & 0o777)
        os.replace(temporary, self.path)
        version = self.versions.record(new_text, actor, action, subject)
        self._audit.append(
            actor, action, subject, {"version": version.number, "changes": summary, **(details or {})}
        )
        return version


def _digits(guid: object) -> str:
    return str(guid).strip("{}").replace("-", "").lower()


def _camera_index(document: tomlkit.TOMLDocument, camera_id: str) -> int:
    for index, table in enumerate(document.get("cameras", [])):
        if _digits(table.get("id", "")) == _digits(camera_id):
            return index
    raise KeyError(f"no camera {camera_id} in the site file")


def _camera_table(document: tomlkit.TOMLDocument, camera_id: str) -> Any:
    return document["cameras"][_camera_index(document, camera_id)]


def _problem(document: tomlkit.TOMLDocument, camera_id: str, key: str, message: str) -> Problem:
    return Problem(f"cameras[{_camera_index(document, camera_id)}].{key}", None, message)
