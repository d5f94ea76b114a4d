"""`genetec-bridge audit verify|export` and `genetec-bridge purge` on a site's own paths."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from analytics.config.state_paths import STATE_DIR_ENV
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import load_site_config
from tests.support.single_command import run_command
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "state"))
    return write_site(tmp_path, example_text())


def test_verify_passes_an_intact_trail_and_fails_an_edited_one(config_file, capsys) -> None:
    trail = AuditTrail(load_site_config(config_file).audit.path)
    for n in range(3):
        trail.append("alice", "config.save", f"v{n}")
    assert (
        run_command("genetec_bridge.commands.audit", ["audit", "verify", "--config", str(config_file)]) == 0
    )
    assert "3 entries, intact" in capsys.readouterr().out

    lines = trail.path.read_text().splitlines()
    record = json.loads(lines[1])
    record["subject"] = "v9"
    trail.path.write_text("\n".join([lines[0], json.dumps(record), lines[2]]) + "\n")
    assert (
        run_command("genetec_bridge.commands.audit", ["audit", "verify", "--config", str(config_file)]) == 1
    )
    assert "entry 2 was altered" in capsys.readouterr().out


def test_export_writes_the_auditor_files(config_file, tmp_path) -> None:
    AuditTrail(load_site_config(config_file).audit.path).append("alice", "config.save", "v1")
    out = tmp_path / "for-auditor"
    argv = ["audit", "export", "--config", str(config_file), "--out", str(out)]
    assert run_command("genetec_bridge.commands.audit", argv) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "audit-verification.json",
        "audit.csv",
        "audit.jsonl",
        "audit.jsonl.head",
    ]


def test_purge_command_applies_the_retention(config_file, capsys) -> None:
    trail = AuditTrail(load_site_config(config_file).audit.path)
    trail.append("alice", "config.save", "long ago", at=datetime.now(UTC) - timedelta(days=400))
    trail.append("alice", "config.save", "recent")
    assert run_command("genetec_bridge.commands.purge", ["purge", "--config", str(config_file)]) == 0
    assert "audit: 1 entries" in capsys.readouterr().out
    assert [e.subject for e in trail.entries()][:1] == ["recent"] and trail.verify() == []
