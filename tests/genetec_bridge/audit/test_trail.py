import json

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
