"""Every saved version of the site file, numbered, with who saved it and why: the diff view and
rollback read them. Versions are never rewritten; a rollback is saved as a new version."""

import difflib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


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
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file(version.number).write_text(text, encoding="utf-8")
        with self._index.open("a", encoding="utf-8") as index:
            index.write(json.dumps(asdict(version)) + "\n")
            index.flush()
            os.fsync(index.fileno())
        return version

    def text_of(self, number: int) -> str:
        path = self._file(number)
        if not path.is_file():
            raise KeyError(f"no version {number}")
        return path.read_text(encoding="utf-8")

    def diff(self, number: int) -> list[str]:
        """Unified diff of version `number` against the one before it (empty before version 1)."""
        before = self.text_of(number - 1) if number > 1 else ""
        return list(
            difflib.unified_diff(
                before.splitlines(),
                self.text_of(number).splitlines(),
                f"version {number - 1}",
                f"version {number}",
                lineterm="",
            )
        )

    def _file(self, number: int) -> Path:
        return self.directory / f"{number:06d}.toml"
