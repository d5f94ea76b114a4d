"""The audit trail: an append-only, tamper-evident log of who changed what, and when.

Each entry is one JSON line holding the SHA-256 of the entry before it, so editing, removing or
reordering an entry breaks the chain where it happened; a head file beside the log holds the last
entry's sequence number and hash, so removing the newest entries is seen too. Configuration changes,
account events, promotions and demotions of skills and alert deliveries are written here.

Retention: `purge` removes the oldest entries and puts a checkpoint line first in the log, holding the
sequence number and hash of the last entry removed, so the first entry kept still chains to something
known. The purge is itself an entry (`audit.purge`) naming that checkpoint, so a checkpoint that no
purge recorded (someone cutting the head of the log and writing their own) fails `verify`. The log is
rewritten to a temporary file and renamed over the old one: a crash leaves the old log or the new one.
"""

import csv
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
PURGE_ACTION = "audit.purge"
# Custom event definitions the bridge created in Security Center; the end of contract removes them.
CUSTOM_EVENTS_CREATED = "websdk.custom_events.created"
# The key of the checkpoint line a purge puts first in the log; entries never have it.
CHECKPOINT_KEY = "checkpoint"


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
            entry = self._next_entry(actor, action, subject, details, at)
            with self.path.open("a", encoding="utf-8") as log:
                log.write(_line(entry) + "\n")
                log.flush()
                os.fsync(log.fileno())
            self._write_head(entry.seq, entry.digest())
            return entry

    def entries(self) -> list[AuditEntry]:
        entries = []
        for line in self._lines():
            record = json.loads(line)
            if CHECKPOINT_KEY in record:
                continue
            record.pop("hash", None)
            entries.append(AuditEntry(**record))
        return entries

    def purge(self, before: datetime, actor: str = "retention") -> int:
        """Remove the entries written before `before` (the oldest ones); returns how many went.

        Entries are in time order, so only a run at the start of the log is removed; the purge is
        recorded as a new entry, which is never itself removed by this call."""
        cutoff = before.astimezone(UTC)
        with self._locked():
            lines = [line for line in self._lines() if CHECKPOINT_KEY not in json.loads(line)]
            removed = 0
            for line in lines:
                if datetime.fromisoformat(json.loads(line)["at"]) >= cutoff:
                    break
                removed += 1
            if not removed:
                return 0
            last = json.loads(lines[removed - 1])
            checkpoint = {"seq": last["seq"], "hash": last["hash"]}
            entry = self._next_entry(
                actor,
                PURGE_ACTION,
                self.path.name,
                {"removed": removed, "before": cutoff.isoformat(timespec="seconds"), **checkpoint},
                None,
            )
            kept = [json.dumps({CHECKPOINT_KEY: checkpoint}), *lines[removed:], _line(entry)]
            temporary = self.path.with_name(self.path.name + ".tmp")
            with temporary.open("w", encoding="utf-8") as log:
                log.write("\n".join(kept) + "\n")
                log.flush()
                os.fsync(log.fileno())
            os.replace(temporary, self.path)
            self._write_head(entry.seq, entry.digest())
            return removed

    def export(self, directory: Path) -> list[Path]:
        """Copy the trail for an auditor: the log and head as kept, a CSV of the entries, and the result
        of `verify` with the log's SHA-256. Returns the files written."""
        directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            written = []
            for source in (self.path, self._head):
                if source.exists():
                    written.append(Path(shutil.copy2(source, directory / source.name)))
            entries, problems = self.entries(), self.verify()
        table = directory / (self.path.stem + ".csv")
        with table.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["seq", "at", "actor", "action", "subject", "details", "prev"])
            for entry in entries:
                details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
                writer.writerow(
                    [entry.seq, entry.at, entry.actor, entry.action, entry.subject, details, entry.prev]
                )
        report = directory / (self.path.stem + "-verification.json")
        log_bytes = self.path.read_bytes() if self.path.exists() else b""
        report.write_text(
            json.dumps(
                {
                    "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "entries": len(entries),
                    "first_seq": entries[0].seq if entries else None,
                    "last_seq": entries[-1].seq if entries else None,
                    "log_sha256": hashlib.sha256(log_bytes).hexdigest(),
                    "intact": not problems,
                    "problems": problems,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        return [*written, table, report]

    def files(self) -> list[Path]:
        """The files the trail keeps on disk (the log, its head and lock), for a full erasure."""
        return [path for path in (self.path, self._head, self._lock) if path.exists()]

    def verify(self) -> list[str]:
        """Every break in the chain, in words; empty when the trail is intact."""
        problems: list[str] = []
        prev, expected_seq = GENESIS, 1
        checkpoint: dict[str, Any] | None = None
        purges: list[AuditEntry] = []
        lines = self._lines()
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
                if number == 1 and CHECKPOINT_KEY in record:
                    checkpoint = record[CHECKPOINT_KEY]
                    prev, expected_seq = str(checkpoint["hash"]), int(checkpoint["seq"]) + 1
                    continue
                stored_hash = record.pop("hash")
                entry = AuditEntry(**record)
            except (ValueError, TypeError, KeyError) as error:
                problems.append(f"line {number}: unreadable entry ({error})")
                continue
            if entry.seq != expected_seq:
                problems.append(
                    f"line {number}: entry {entry.seq} follows {expected_seq - 1} (removed or moved)"
                )
            if entry.prev != prev:
                problems.append(f"line {number}: entry {entry.seq} does not chain to the entry before it")
            if entry.digest() != stored_hash:
                problems.append(f"line {number}: entry {entry.seq} was altered (hash mismatch)")
            if entry.action == PURGE_ACTION:
                purges.append(entry)
            prev, expected_seq = stored_hash, entry.seq + 1
        if checkpoint is not None and not any(
            purge.details.get("seq") == checkpoint.get("seq")
            and purge.details.get("hash") == checkpoint.get("hash")
            for purge in purges
        ):
            problems.append(f"the checkpoint at entry {checkpoint.get('seq')} was recorded by no purge")
        head_seq, head_hash = self._read_head()
        last_seq = expected_seq - 1
        if last_seq < head_seq:
            problems.append(f"the trail ends before its recorded last entry {head_seq} (at {last_seq})")
        elif last_seq > head_seq or (head_seq and head_hash != prev):
            problems.append(f"the trail's last entry {last_seq} is not the recorded last entry {head_seq}")
        return problems

    def _next_entry(
        self,
        actor: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None,
        at: datetime | None,
    ) -> AuditEntry:
        seq, prev = self._read_head()
        return AuditEntry(
            seq=seq + 1,
            at=(at or datetime.now(UTC)).isoformat(timespec="seconds"),
            actor=actor,
            action=action,
            subject=subject,
            details=dict(details or {}),
            prev=prev,
        )

    def _lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []

    def _read_head(self) -> tuple[int, str]:
        if not self._head.exists():
            return 0, GENESIS
        head = json.loads(self._head.read_text())
        return int(head["seq"]), str(head["hash"])

    def _write_head(self, seq: int, digest: str) -> None:
        temporary = self._head.with_name(self._head.name + ".tmp")
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


def _line(entry: AuditEntry) -> str:
    return json.dumps({**asdict(entry), "hash": entry.digest()}, ensure_ascii=False)
