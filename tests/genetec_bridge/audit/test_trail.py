import csv
import hashlib
import json
from datetime import UTC, datetime, timedelta

from genetec_bridge.audit.trail import AuditTrail


def _trail(tmp_path, count: int = 4) -> AuditTrail:
    trail = AuditTrail(tmp_path / "audit.jsonl")
    for n in range(count):
        trail.append("alice", "config.save", f"camera-{n}", {"version": n})
    return trail


def _rewrite(trail: AuditTrail, edit) -> None:
    lines = trail.path.read_text().splitlines()
    trail.path.write_text("\n".join(edit(lines)) + "\n")


def test_an_intact_trail_verifies(tmp_path) -> None:
    trail = _trail(tmp_path)
    assert trail.verify() == []
    assert [e.subject for e in trail.entries()] == ["camera-0", "camera-1", "camera-2", "camera-3"]


def test_an_edited_entry_is_found(tmp_path) -> None:
    trail = _trail(tmp_path)

    def edit(lines):
        record = json.loads(lines[1])
        record["actor"] = "mallory"
        return [lines[0], json.dumps(record), *lines[2:]]

    _rewrite(trail, edit)
    assert any("entry 2 was altered" in p for p in trail.verify())


def test_a_removed_entry_is_found(tmp_path) -> None:
    trail = _trail(tmp_path)
    _rewrite(trail, lambda lines: [lines[0], *lines[2:]])
    assert trail.verify() != []


def test_reordered_entries_are_found(tmp_path) -> None:
    trail = _trail(tmp_path)
    _rewrite(trail, lambda lines: [lines[0], lines[2], lines[1], lines[3]])
    assert trail.verify() != []


def test_removing_the_newest_entry_is_found(tmp_path) -> None:
    trail = _trail(tmp_path)
    _rewrite(trail, lambda lines: lines[:-1])
    assert any("ends before" in p for p in trail.verify())


def _dated_trail(tmp_path, days: int = 5) -> tuple[AuditTrail, datetime]:
    """One entry a day for `days` days, the oldest first; returns the trail and the first day."""
    trail = AuditTrail(tmp_path / "audit.jsonl")
    first = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for n in range(days):
        trail.append("alice", "config.save", f"day-{n}", at=first + timedelta(days=n))
    return trail, first


def test_removing_the_first_entry_is_found(tmp_path) -> None:
    trail = _trail(tmp_path)
    _rewrite(trail, lambda lines: lines[1:])
    assert any("entry 2 follows 0" in p for p in trail.verify())


def test_purge_removes_the_oldest_entries_only_and_the_trail_still_verifies(tmp_path) -> None:
    trail, first = _dated_trail(tmp_path)
    removed = trail.purge(before=first + timedelta(days=2))
    assert removed == 2
    subjects = [e.subject for e in trail.entries()]
    assert subjects[:3] == ["day-2", "day-3", "day-4"]
    purge = trail.entries()[-1]
    assert purge.action == "audit.purge" and purge.details["removed"] == 2 and purge.details["seq"] == 2
    assert trail.verify() == []
    # The trail goes on after a purge, and a second purge keeps it whole; the purge entries (dated now)
    # and the new entry are younger than the cut-off, so they stay.
    trail.append("bob", "account.login", "bob")
    assert trail.purge(before=first + timedelta(days=10)) == 3
    assert [e.action for e in trail.entries()] == ["audit.purge", "account.login", "audit.purge"]
    assert trail.verify() == []
    assert trail.purge(before=datetime.now(UTC) + timedelta(days=1)) == 3
    assert [e.action for e in trail.entries()] == ["audit.purge"]
    assert trail.verify() == []


def test_purge_with_nothing_old_enough_changes_nothing(tmp_path) -> None:
    trail, first = _dated_trail(tmp_path)
    before = trail.path.read_bytes()
    assert trail.purge(before=first) == 0
    assert trail.path.read_bytes() == before


def test_tampering_after_a_purge_is_found(tmp_path) -> None:
    trail, first = _dated_trail(tmp_path)
    trail.purge(before=first + timedelta(days=2))
    # The first kept entry removed: it no longer follows the checkpoint.
    _rewrite(trail, lambda lines: [lines[0], *lines[2:]])
    assert any("follows 2" in p for p in trail.verify())


def test_a_checkpoint_no_purge_recorded_is_found(tmp_path) -> None:
    trail, _ = _dated_trail(tmp_path)
    # Cut the two oldest entries and forge the checkpoint a purge would have written.
    lines = trail.path.read_text().splitlines()
    last_cut = json.loads(lines[1])
    forged = json.dumps({"checkpoint": {"seq": last_cut["seq"], "hash": last_cut["hash"]}})
    _rewrite(trail, lambda lines: [forged, *lines[2:]])
    assert any("recorded by no purge" in p for p in trail.verify())


def test_export_for_an_auditor(tmp_path) -> None:
    trail, first = _dated_trail(tmp_path)
    trail.purge(before=first + timedelta(days=1))
    written = trail.export(tmp_path / "export")
    names = sorted(path.name for path in written)
    assert names == ["audit-verification.json", "audit.csv", "audit.jsonl", "audit.jsonl.head"]
    report = json.loads((tmp_path / "export/audit-verification.json").read_text())
    assert report["intact"] is True and report["entries"] == 5 and report["first_seq"] == 2
    assert report["log_sha256"] == hashlib.sha256(trail.path.read_bytes()).hexdigest()
    rows = list(csv.DictReader((tmp_path / "export/audit.csv").open()))
    assert [row["subject"] for row in rows][:4] == ["day-1", "day-2", "day-3", "day-4"]
    # The exported copy verifies on its own.
    assert AuditTrail(tmp_path / "export/audit.jsonl").verify() == []


def test_export_reports_a_broken_trail(tmp_path) -> None:
    trail = _trail(tmp_path)
    _rewrite(trail, lambda lines: [lines[0], *lines[2:]])
    trail.export(tmp_path / "export")
    report = json.loads((tmp_path / "export/audit-verification.json").read_text())
    assert report["intact"] is False and report["problems"]
