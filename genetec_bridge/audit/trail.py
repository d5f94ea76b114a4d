"""The audit trail: an append-only, tamper-evident log of who changed what, and when.

Each entry is one JSON line holding the SHA-256 of the entry before it, so editing, removing or
reordering an entry breaks the chain where it happened; a head file beside the log holds the last
entry's sequence number and hash, so removing the newest entries is seen too. Configuration changes,
account events, promotions and demotions of skills and alert deliveries are written here.

Retention: `purge` removes the oldest entries and puts a checkpoint line first in the log, holding the
sequence number and hash of the last entry removed, so the first entry kept still chains to something
known. The purge is itself an entry (`audit.purge`) naming that checkpoint, so a checkpoint that no
purge recorded (someone cutting the head of the log and writing their own) fails `verify`. The log is
rewritten, streamed line by line (never held whole in memory), to a temporary file and renamed over the
old one: a crash leaves the old log or the new one.

Damage does not break the trail for good. Every write (append, purge) first recovers, under the lock,
where the chain stands from the log's last valid line, read from the end: a torn tail (half a line, left
by a full disk or a kill in the middle of a write) is cut off and the file fsynced; a head file that is
missing, empty or behind the log (a crash between the line and its head) is rewritten from the log. What
was repaired is recorded as an entry of its own (`audit.recovered`), so the chain says so. A head ahead
of the log (newest entries removed) is kept, and the next entry follows it: that removal stays visible
to `verify`. Readers never raise on a bad line: `entries` and the purge pass over it, `verify` names it.
The head is written to a temporary file, fsynced, renamed, and the directory fsynced, as is a new log.
`newest` reads only the end of the log, for the box's audit page.
"""

import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

GENESIS = "0" * 64
PURGE_ACTION = "audit.purge"
# Custom event definitions the bridge created in Security Center; the end of contract removes them.
CUSTOM_EVENTS_CREATED = "websdk.custom_events.created"
# The key of the checkpoint line a purge puts first in the log; entries never have it.
CHECKPOINT_KEY = "checkpoint"
# What a write that found (and repaired) damage records first.
RECOVERED_ACTION = "audit.recovered"
# The end of the log is read backward in blocks of this size.
_BLOCK = 16 * 1024


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
        # The fields as they are: `asdict` would copy `details` first, four times slower, and `verify`
        # hashes every entry of the year.
        canonical = json.dumps(vars(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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
            entry = self._next_entry(self._recover(), actor, action, subject, details, at)
            self._write(entry)
            return entry

    def entries(self) -> list[AuditEntry]:
        """Every entry, oldest first; a line that is not an entry is passed over (`verify` names it)."""
        with _open_log(self.path) as log:
            return [line.entry for line in _read(log) if isinstance(line, _Stored) and line.entry]

    def newest(
        self, count: int, skip: int = 0, keep: Callable[[AuditEntry], bool] | None = None
    ) -> list[AuditEntry]:
        """The `count` newest entries after the `skip` newest, newest first, read from the end of the log;
        with `keep`, among those it keeps only (read further back until `count` are found, or the start)."""
        found: list[AuditEntry] = []
        with _open_log(self.path) as log:
            for _, raw in _backward(log):
                stored = _parse(raw)
                if not isinstance(stored, _Stored) or stored.entry is None:
                    continue
                if keep is not None and not keep(stored.entry):
                    continue
                if skip:
                    skip -= 1
                    continue
                found.append(stored.entry)
                if len(found) == count:
                    break
        return found

    def purge(self, before: datetime, actor: str = "retention") -> int:
        """Remove the entries written before `before` (the oldest ones); returns how many went.

        Entries are in time order, so only a run at the start of the log is removed; the purge is
        recorded as a new entry, which is never itself removed by this call. Bad lines within the run
        go with it; the log is copied line by line, never read whole."""
        cutoff = before.astimezone(UTC)
        with self._locked():
            last = self._recover()
            temporary = self.path.with_name(self.path.name + ".tmp")
            with _open_log(self.path) as log, temporary.open("wb") as kept:
                removed = _copy_kept(log, kept, cutoff)
                if removed is None:
                    temporary.unlink()
                    return 0
                count, checkpoint = removed
                entry = self._next_entry(
                    last,
                    actor,
                    PURGE_ACTION,
                    self.path.name,
                    {"removed": count, "before": cutoff.isoformat(timespec="seconds"), **checkpoint},
                    None,
                )
                kept.write(_line(entry).encode() + b"\n")
                kept.flush()
                os.fsync(kept.fileno())
            os.replace(temporary, self.path)
            _fsync_directory(self.path.parent)
            self._write_head(entry.seq, entry.digest())
            return count

    def export(self, directory: Path) -> list[Path]:
        """Copy the trail for an auditor: the log and head as kept, a CSV of the entries, and the result
        of `verify` with the log's SHA-256. Returns the files written."""
        directory.mkdir(parents=True, exist_ok=True)
        with self._locked(), ExitStack() as stack:
            written = []
            for source in (self.path, self._head):
                if source.exists():
                    written.append(Path(shutil.copy2(source, directory / source.name)))
            entries, problems = self.entries(), _problems(*self._snapshot(stack))
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
        with _open_log(self.path) as log:
            log_sha256 = hashlib.file_digest(log, "sha256").hexdigest()
        report.write_text(
            json.dumps(
                {
                    "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "entries": len(entries),
                    "first_seq": entries[0].seq if entries else None,
                    "last_seq": entries[-1].seq if entries else None,
                    "log_sha256": log_sha256,
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
        """Every break in the chain and every line that is not an entry, in words; empty when intact."""
        with ExitStack() as stack:
            with self._locked():
                # Entries appended while the check runs are left out of it, and a purge's rename leaves
                # the open log whole: the check sees the log as it stood when its head was read.
                log, size, head = self._snapshot(stack)
            return _problems(log, size, head)

    def _snapshot(self, stack: ExitStack) -> tuple[BinaryIO, int, tuple[int, str] | None]:
        """Under the lock: the log, open (closed with `stack`), its size, and the head."""
        log = stack.enter_context(_open_log(self.path))
        size = log.seek(0, os.SEEK_END)
        log.seek(0)
        return log, size, self._read_head()

    def _recover(self) -> tuple[int, str]:
        """Under the lock: the sequence number and hash the next entry follows. A torn tail is cut off and
        a head missing, unreadable or behind the log is replaced, with an `audit.recovered` entry."""
        last, torn = self._repair_tail()
        head = self._read_head()
        repairs: dict[str, Any] = {"torn_bytes": torn} if torn else {}
        if head is None or head[0] < last[0]:
            # The log is further on than its head: the crash came between a line and its head.
            if last[0]:
                repairs["head"] = "missing or unreadable" if head is None else f"behind the log, at {head[0]}"
            head = last
        if not repairs:
            return head
        entry = self._next_entry(head, "audit", RECOVERED_ACTION, self.path.name, repairs, None)
        self._write(entry)
        return entry.seq, entry.digest()

    def _repair_tail(self) -> tuple[tuple[int, str], int]:
        """The log's last valid line (its sequence number and hash), and how many bytes after it, not
        a line of the log, were cut off (fsynced); a last line that lacks only its newline gets it."""
        if not self.path.exists():
            return (0, GENESIS), 0
        with self.path.open("r+b") as log:
            size = log.seek(0, os.SEEK_END)
            last, end = (0, GENESIS), 0
            for offset, raw in _backward(log):
                stored = _parse(raw)
                if isinstance(stored, _Stored):
                    last, end = (stored.seq, stored.hash), offset + len(raw) + 1
                    break
            if end == size:
                return last, 0
            if end > size:
                log.seek(size)
                log.write(b"\n")
            else:
                log.truncate(end)
            log.flush()
            os.fsync(log.fileno())
            return last, max(0, size - end)

    def _write(self, entry: AuditEntry) -> None:
        created = not self.path.exists()
        with self.path.open("a", encoding="utf-8") as log:
            log.write(_line(entry) + "\n")
            log.flush()
            os.fsync(log.fileno())
        if created:
            _fsync_directory(self.path.parent)
        self._write_head(entry.seq, entry.digest())

    def _next_entry(
        self,
        last: tuple[int, str],
        actor: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None,
        at: datetime | None,
    ) -> AuditEntry:
        seq, prev = last
        return AuditEntry(
            seq=seq + 1,
            at=(at or datetime.now(UTC)).isoformat(timespec="seconds"),
            actor=actor,
            action=action,
            subject=subject,
            details=dict(details or {}),
            prev=prev,
        )

    def _read_head(self) -> tuple[int, str] | None:
        """The recorded last entry; None when the head file is missing or unreadable."""
        try:
            head = json.loads(self._head.read_text(encoding="utf-8"))
            return int(head["seq"]), str(head["hash"])
        except (FileNotFoundError, ValueError, TypeError, KeyError):
            return None

    def _write_head(self, seq: int, digest: str) -> None:
        temporary = self._head.with_name(self._head.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as head:
            head.write(json.dumps({"seq": seq, "hash": digest}))
            head.flush()
            os.fsync(head.fileno())
        os.replace(temporary, self._head)
        _fsync_directory(self._head.parent)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass(frozen=True)
class _Stored:
    """A valid line: an entry with its stored hash, or (`entry` None) the checkpoint a purge wrote."""

    number: int
    seq: int
    hash: str
    entry: AuditEntry | None


@dataclass(frozen=True)
class _BadLine:
    number: int
    reason: str


def _parse(raw: bytes, number: int = 0) -> _Stored | _BadLine:
    try:
        record = json.loads(raw)
        if CHECKPOINT_KEY in record:
            checkpoint = record[CHECKPOINT_KEY]
            return _Stored(number, int(checkpoint["seq"]), str(checkpoint["hash"]), None)
        stored_hash = str(record.pop("hash"))
        entry = AuditEntry(**record)
        if datetime.fromisoformat(entry.at).tzinfo is None:
            raise ValueError(f"time without a zone: {entry.at}")
        return _Stored(number, entry.seq, stored_hash, entry)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return _BadLine(number, f"{type(error).__name__}: {error}")


def _read(log: BinaryIO, size: int | None = None) -> Iterator[_Stored | _BadLine]:
    """The log's lines, oldest first, one at a time (blank lines are passed over), up to `size` bytes."""
    read = 0
    for number, raw in enumerate(log, start=1):
        read += len(raw)
        if size is not None and read > size:
            return  # written after the log's size was taken
        if raw.strip():
            yield _parse(raw, number)


def _backward(log: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """The log's non-blank lines (and what follows the last newline), newest first, with the offset
    each starts at, reading blocks from the end."""
    position = log.seek(0, os.SEEK_END)
    pending = b""
    while position > 0:
        start = max(0, position - _BLOCK)
        log.seek(start)
        pending = log.read(position - start) + pending
        position = start
        first, *complete = pending.split(b"\n")
        offset = position + len(pending)
        for raw in reversed(complete):
            offset -= len(raw) + 1
            if raw.strip():
                yield offset + 1, raw
        pending = first
    if pending.strip():
        yield 0, pending


def _copy_kept(log: BinaryIO, kept: BinaryIO, cutoff: datetime) -> tuple[int, dict[str, Any]] | None:
    """Copy to `kept` a checkpoint and the lines of `log` after the run of entries older than `cutoff`;
    returns how many entries went and the checkpoint, or None when none is old enough."""
    removed = 0
    checkpoint: dict[str, Any] | None = None
    held: list[bytes] = []  # bad lines: kept, unless an entry after them goes too
    for line in log:
        stored = _parse(line) if line.strip() else _BadLine(0, "blank")
        if isinstance(stored, _BadLine):
            held.append(line)
            continue
        if stored.entry is None:
            continue  # the previous checkpoint: the new one replaces it
        if datetime.fromisoformat(stored.entry.at) >= cutoff:
            held.append(line)
            break
        removed, checkpoint, held = removed + 1, {"seq": stored.seq, "hash": stored.hash}, []
    if checkpoint is None:
        return None
    kept.write(json.dumps({CHECKPOINT_KEY: checkpoint}).encode() + b"\n")
    kept.writelines(held)
    kept.writelines(log)  # the rest, as it is
    return removed, checkpoint


def _problems(log: BinaryIO, size: int, head: tuple[int, str] | None) -> list[str]:
    """What `verify` reports on the first `size` bytes of `log` and the `head` read with them."""
    problems, last_seq, prev = _chain_problems(_read(log, size))
    head_seq, head_hash = head or (0, GENESIS)
    if head is None and last_seq:
        problems.append("the head file is missing or unreadable (rewritten at the next entry)")
    elif last_seq < head_seq:
        problems.append(f"the trail ends before its recorded last entry {head_seq} (at {last_seq})")
    elif last_seq > head_seq or (head_seq and head_hash != prev):
        problems.append(f"the trail's last entry {last_seq} is not the recorded last entry {head_seq}")
    return problems


def _chain_problems(lines: Iterable[_Stored | _BadLine]) -> tuple[list[str], int, str]:
    """The breaks in the chain of `lines`, the last sequence number and the last hash."""
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    checkpoint: _Stored | None = None
    purges: list[AuditEntry] = []
    for line in lines:
        if isinstance(line, _BadLine):
            problems.append(f"line {line.number}: unreadable entry ({line.reason})")
            continue
        entry = line.entry
        if entry is None:
            if line.number == 1:
                checkpoint = line
                prev, expected_seq = line.hash, line.seq + 1
            else:
                problems.append(f"line {line.number}: a checkpoint that is not the first line")
            continue
        if entry.seq != expected_seq:
            problems.append(
                f"line {line.number}: entry {entry.seq} follows {expected_seq - 1} (removed or moved)"
            )
        if entry.prev != prev:
            problems.append(f"line {line.number}: entry {entry.seq} does not chain to the entry before it")
        if entry.digest() != line.hash:
            problems.append(f"line {line.number}: entry {entry.seq} was altered (hash mismatch)")
        if entry.action == PURGE_ACTION:
            purges.append(entry)
        prev, expected_seq = line.hash, entry.seq + 1
    if checkpoint is not None and not any(
        purge.details.get("seq") == checkpoint.seq and purge.details.get("hash") == checkpoint.hash
        for purge in purges
    ):
        problems.append(f"the checkpoint at entry {checkpoint.seq} was recorded by no purge")
    return problems, expected_seq - 1, prev


@contextmanager
def _open_log(path: Path) -> Iterator[io.BufferedReader | io.BytesIO]:
    """The log for reading; an empty one when there is none yet."""
    try:
        log = path.open("rb")
    except FileNotFoundError:
        yield io.BytesIO()
        return
    with log:
        yield log


def _fsync_directory(directory: Path) -> None:
    """Make a file created or renamed in `directory` survive a power cut."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _line(entry: AuditEntry) -> str:
    return json.dumps({**asdict(entry), "hash": entry.digest()}, ensure_ascii=False)
