"""Every saved version of the site file, numbered, with who saved it and why: the diff view and
rollback read them. Versions are never rewritten; a rollback is saved as a new version.

A version never holds a secret: inline passwords and tokens are redacted before it is written
(`redaction`), and its files are readable by their owner only, like the site file's secrets."""

import difflib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from genetec_bridge.box.redaction import redact


@dataclass(frozen=True)
class Version:
    number: int
    at: str
    actor: str
    action: str
    subject: str


class VersionStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index = directory / "index.jsonl"

    def versions(self) -> list[Version]:
        if not self._index.exists():
            return []
        return [Version(**json.loads(line)) for line in self._index.read_text(encoding="utf-8").splitlines()]

    def record(self, text: str, actor: str, action: str, subject: str = "") -> Version:
        versions = self.versions()
        version = Version(
            number=(versions[-1].number + 1) if versions else 1,
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            actor=actor,
            action=action,
            subject=subject,
        )
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _private(self._file(version.number), os.O_WRONLY | os.O_CREAT | os.O_TRUNC) as file:
            file.write(redact(text))
        with _private(self._index, os.O_WRONLY | os.O_CREAT | os.O_APPEND) as index:
            index.write(json.dumps(asdict(version)) + "\n")
            index.flush()
            os.fsync(index.fileno())
        return version

    def text_of(self, number: int) -> str:
        """The version as written, its secrets redacted (see `redaction.restore`)."""
        path = self._file(number)
        if not path.is_file():
            raise KeyError(f"no version {number}")
        return path.read_text(encoding="utf-8")

    def diff(self, number: int) -> list[str]:
        """Unified diff of version `number` against the one before it (empty before version 1)."""
        before = self.text_of(number - 1) if number > 1 else ""
        return list(
            difflib.unified_diff(
                # Redacted again: a version written before secrets were kept out of them.
                redact(before).splitlines(),
                redact(self.text_of(number)).splitlines(),
                f"version {number - 1}",
                f"version {number}",
                lineterm="",
            )
        )

    def _file(self, number: int) -> Path:
        return self.directory / f"{number:06d}.toml"


def _private(path: Path, flags: int) -> TextIO:
    """Opened for writing, created 0600 (a file left 0644 by an older box is made 0600 too)."""
    descriptor = os.open(path, flags, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8")
