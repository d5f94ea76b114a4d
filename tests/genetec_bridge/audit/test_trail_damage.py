"""The audit trail survives its own damage: a line torn by a full disk, a head file lost or emptied by a
crash, a bad line left in the middle. Readers pass over what is not an entry and `verify` names it; the
next write repairs what a crash left and records that it did; the chain goes on and verifies. The purge
and the box's page read the log a line or a block at a time, never whole."""

import errno
import json
import os
import subprocess
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from genetec_bridge.audit.trail import GENESIS, RECOVERED_ACTION, AuditEntry, AuditTrail


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A real 2 MiB filesystem (tmpfs) where the test runs as root; None elsewhere."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        yield None
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _trail(directory: Path, count: int = 4) -> AuditTrail:
    trail = AuditTrail(directory / "audit.jsonl")
    for n in range(count):
        trail.append("alice", "config.save", f"camera-{n}", {"version": n})
    return trail


def _fill(disk: Path) -> Path:
    """Take every free block of `disk`; returns the file holding them."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):
            try:
                while os.write(descriptor, b"\0" * size):
                    pass
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)
    return filler


def _tear_a_write(trail: AuditTrail, disk: Path | None) -> int:
    """Leave half an entry at the end of the log, as a full disk does; returns its size in bytes."""
    before = trail.path.stat().st_size
    if disk is not None:
        # A real full disk: the write of a large entry stops where the space ends.
        filler = _fill(disk)
        with pytest.raises(OSError) as error:
            trail.append("alice", "config.save", "large", {"notes": "x" * 16384})
        assert error.value.errno == errno.ENOSPC
        filler.unlink()
    else:
        # Not root, so no filesystem can be mounted: the torn write is made by hand, as a full disk leaves it.
        with trail.path.open("a", encoding="utf-8") as log:
            log.write('{"seq": 5, "at": "2026-01-01T00:00:00+00:00", "actor": "alice", "act')
    torn = trail.path.stat().st_size - before
    assert torn > 0 and not trail.path.read_bytes().endswith(b"\n")
    return torn


def test_a_line_torn_by_a_full_disk_is_passed_over_reported_and_cut_off_by_the_next_write(
    small_disk: Path | None, tmp_path: Path
) -> None:
    trail = _trail(small_disk or tmp_path)
    torn = _tear_a_write(trail, small_disk)

    assert [e.seq for e in trail.entries()] == [1, 2, 3, 4]
    assert [e.seq for e in trail.newest(10)] == [4, 3, 2, 1]
    [problem] = trail.verify()
    assert problem.startswith("line 5: unreadable entry")

    after = trail.append("bob", "account.login", "bob")

    assert trail.verify() == []
    entries = trail.entries()
    assert [(e.seq, e.action) for e in entries][3:] == [
        (4, "config.save"),
        (5, RECOVERED_ACTION),
        (6, "account.login"),
    ]
    assert entries[4].details == {"torn_bytes": torn} and entries[-1] == after
    assert trail.path.read_bytes().count(b"\n") == 6  # nothing of the torn write is left
    # And the purge of the repaired trail works.
    assert trail.purge(before=datetime.now(UTC) + timedelta(days=1)) == 6
    assert trail.verify() == [] and [e.action for e in trail.entries()] == ["audit.purge"]


def test_the_purge_of_a_torn_trail_cuts_the_tail_first(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    _tear_a_write(trail, None)

    assert trail.purge(before=datetime.now(UTC) + timedelta(days=1)) == 5  # four, and the repair's entry

    assert trail.verify() == []
    [purge] = trail.entries()
    assert purge.details["removed"] == 5 and purge.details["seq"] == 5
    assert trail.path.read_bytes().count(b"\n") == 2  # the checkpoint and the purge: nothing torn is left


def test_a_bad_line_in_the_middle_is_named_by_verify_and_passed_over_by_readers_and_the_purge(
    tmp_path: Path,
) -> None:
    trail = _trail(tmp_path)
    # What the code before this repair left after a torn write: the next entry written on its line.
    lines = trail.path.read_bytes().splitlines(keepends=True)
    trail.path.write_bytes(b"".join([*lines[:2], b'{"seq": 3, "at": "2026-01-0', *lines[2:]]))

    assert [e.subject for e in trail.entries()] == ["camera-0", "camera-1", "camera-3"]
    assert [p for p in trail.verify() if p.startswith("line 3: unreadable entry")]
    assert [e.subject for e in trail.newest(2, skip=1)] == ["camera-1", "camera-0"]

    assert trail.purge(before=datetime.now(UTC) + timedelta(days=1)) == 3
    assert trail.verify() == []  # the bad line went with the entries around it


@pytest.mark.parametrize("head", ["missing", "empty", "behind the log"])
def test_a_log_whose_head_a_crash_lost_goes_on_from_its_last_line(tmp_path: Path, head: str) -> None:
    trail = _trail(tmp_path, count=3)
    head_file = trail.path.with_name(trail.path.name + ".head")
    if head == "missing":
        head_file.unlink()
    elif head == "empty":
        head_file.write_bytes(b"")  # renamed before its data reached the disk
    else:
        # Killed between the entry's line and its head: the head still names the entry before.
        earlier = head_file.read_bytes()
        trail.append("alice", "config.save", "camera-3", {"version": 3})
        head_file.write_bytes(earlier)
    assert trail.verify() != []

    entry = trail.append("bob", "account.login", "bob")

    assert trail.verify() == []
    last = len(trail.entries())
    assert entry.seq == last and [e.seq for e in trail.entries()] == list(range(1, last + 1))
    recovered = trail.entries()[-2]
    assert recovered.action == RECOVERED_ACTION and "head" in recovered.details


def test_an_empty_head_on_an_empty_trail_starts_the_chain(tmp_path: Path) -> None:
    trail = AuditTrail(tmp_path / "audit.jsonl")
    trail.path.with_name("audit.jsonl.head").write_bytes(b"")

    trail.append("alice", "account.login", "alice")

    assert trail.verify() == [] and [(e.seq, e.prev) for e in trail.entries()] == [(1, GENESIS)]


def test_removing_the_newest_entries_stays_visible_after_the_next_write(tmp_path: Path) -> None:
    trail = _trail(tmp_path)
    lines = trail.path.read_bytes().splitlines(keepends=True)
    trail.path.write_bytes(b"".join(lines[:-2]))

    trail.append("bob", "account.login", "bob")

    assert any("follows 2" in p for p in trail.verify())


def _long_trail(path: Path, count: int) -> AuditTrail:
    """`count` entries a minute apart, in the trail's format; their hashes are stand-ins, not a chain (the
    chain across a purge is checked above, on small trails: computing 200,000 digests takes a minute)."""
    first = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    line = (
        '{{"seq": {seq}, "at": "{at}", "actor": "delivery", "action": "alert.delivered",'
        ' "subject": "camera-{camera}", "details": {{"n": {seq}}}, "prev": "{prev}", "hash": "{seq:064x}"}}\n'
    )
    with path.open("w", encoding="utf-8") as log:
        log.writelines(
            line.format(
                seq=seq,
                at=datetime.fromtimestamp(first + 60 * seq, UTC).isoformat(timespec="seconds"),
                camera=seq % 90,
                prev=GENESIS,
            )
            for seq in range(1, count + 1)
        )
    path.with_name(path.name + ".head").write_text(json.dumps({"seq": count, "hash": f"{count:064x}"}))
    return AuditTrail(path)


def _peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_trail_is_purged_and_paged_without_reading_it_whole(tmp_path: Path) -> None:
    count = 200_000
    trail = _long_trail(tmp_path / "audit.jsonl", count)
    size = trail.path.stat().st_size
    cutoff = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=2_000, seconds=30)
    removed: list[int] = []
    newest: list[list[AuditEntry]] = []

    purge_peak = _peak_bytes(lambda: removed.append(trail.purge(before=cutoff)))
    page_peak = _peak_bytes(lambda: newest.append(trail.newest(200, skip=400)))

    assert removed == [2_000]
    # The purge's entry is the newest now.
    assert [e.seq for e in newest[0]] == list(range(count + 1 - 400, count + 1 - 600, -1))
    assert trail.path.read_bytes().count(b"\n") == 1 + count - 2_000 + 1  # checkpoint, kept, purge
    # Held in memory at most: a twentieth of the log (about 45 MB here).
    assert purge_peak < size / 20 and page_peak < size / 20, (purge_peak, page_peak, size)


def test_a_trail_checked_while_entries_are_appended_is_found_intact(tmp_path: Path) -> None:
    trail = _trail(tmp_path, count=1000)  # a check long enough for appends to land during it
    appended = 200
    writer = threading.Thread(
        target=lambda: [trail.append("delivery", "alert.delivered", f"camera-{n}") for n in range(appended)]
    )
    checks: list[list[str]] = []
    writer.start()
    while writer.is_alive():
        checks.append(AuditTrail(trail.path).verify())
    writer.join()

    assert len(trail.entries()) == 1000 + appended
    assert [problems for problems in checks if problems] == [] and len(checks) > 1
