"""The audit trail: an append-only, tamper-evident log of who changed what, and when.

Each entry is one JSON line holding the SHA-256 of the entry before it, so editing, removing or
reordering an entry breaks the chain where it happened; a head file beside the log holds the last
entry's sequence number and hash, so removing the newest entries is seen too. Configuration changes,
account events, promotions and demotions of skills and alert deliveries are written here.
"""

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details: Mapping[str, Any] = field(default_factory=dict)
    prev: str = GENESIS

    def digest(self) -> str:
        canonical = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditTrail:
    """The log at `path` (JSON lines) and its head file `path` + '.head'."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._head = path.with_name(path.name + ".head")
        self._lock = path.with_name(path.name + ".lock")

    def append(
        self,
        actor: str,
        action: str,
        subject: str = "",
        details: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> AuditEntry:
        with self._locked():
            seq, prev = self._read_head()
            entry = AuditEntry(
                seq=seq + 1,
                at=(at or datetime.now(UTC)).isoformat(timespec="seconds"),
                actor=actor,
                action=action,
                subject=subject,
                details=dict(details or {}),
                prev=prev,
            )
            line = json.dumps({**asdict(entry), "hash": entry.digest()}, ensure_ascii=False)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")
                log.flush()
                os.fsync(log.fileno())
            self._write_head(entry.seq, entry.digest())
            return entry

    def entries(self) -> list[AuditEntry]:
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record.pop("hash", None)
            entries.append(AuditEntry(**record))
        return entries

    def verify(self) -> list[str]:
        """Every break in the chain, in words; empty when the trail is intact."""
        problems: list[str] = []
        prev, expected_seq = GENESIS, None
        lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
                stored_hash = record.pop("hash")
                entry = AuditEntry(**record)
            except (ValueError, TypeError, KeyError) as error:
                problems.append(f"line {number}: unreadable entry ({error})")
                continue
            if expected_seq is not None and entry.seq != expected_seq:
                problems.append(
                    f"line {number}: entry {entry.seq} follows {expected_seq - 1} (removed or moved)"
                )
            if number > 1 and entry.prev != prev:
                problems.append(f"line {number}: entry {entry.seq} does not chain to the entry before it")
            if entry.digest() != stored_hash:
                problems.append(f"line {number}: entry {entry.seq} was altered (hash mismatch)")
            prev, expected_seq = stored_hash, entry.seq + 1
        head_seq, head_hash = self._read_head()
        if lines and (expected_seq is None or head_seq != expected_seq - 1 or head_hash != prev):
            problems.append(f"the trail ends before its recorded last entry {head_seq}")
        if not lines and head_seq:
            problems.append(f"the trail is empty but recorded {head_seq} entries")
        return problems

    def _read_head(self) -> tuple[int, str]:
        if not self._head.exists():
            return 0, GENESIS
        head = json.loads(self._head.read_text())
        return int(head["seq"]), str(head["hash"])

    def _write_head(self, seq: int, digest: str) -> None:
        temporary = self._head.with_suffix(".tmp")
        temporary.write_text(json.dumps({"seq": seq, "hash": digest}))
        os.replace(temporary, self._head)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
