"""`genetec-bridge trust`: status, promote refused without the gate or a reason, demote with a reason,
export as CSV; the same store and audit trail the bridge uses."""

import csv
from pathlib import Path

import pytest

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import load_site_config
from genetec_bridge.trust.service import TrustService
from genetec_bridge.trust.verdicts import Verdict
from tests.support.single_command import run_command
from tests.support.trust_sites import CAMERA, LOITERING, alert

MODULE = "genetec_bridge.commands.trust"
SITE = f"""
[genetec]
url = "https://127.0.0.1:4590/WebSdk"
username = "bridge"
password = "not-used"

[media_gateway]
host = "127.0.0.1"

[audit]
path = "audit.jsonl"

[trust]
store_path = "trust.sqlite3"

[[cameras]]
id = "{CAMERA}"
name = "Parvis"
zones = [{{ name = "Parvis", polygon = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]] }}]
skills = [{{ kind = "loitering", zone = "Parvis", min_dwell_s = 20, alert = {{ custom_event_id = 5000 }} }}]
"""


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(SITE, encoding="utf-8")
    return path


def trust(site_file: Path, *args: str) -> int:
    return run_command(MODULE, ["trust", *args[:1], "--config", str(site_file), *args[1:]])


def add_true_verdicts(site_file: Path, count: int) -> None:
    service = TrustService(load_site_config(site_file))
    [configured] = service.configured_skills()
    for index in range(count):
        service.admit(alert(index), configured.routing)
        service.record_verdict(alert(index).id, Verdict.TRUE, "Ana")
    service.close()


def test_promote_refused_then_with_a_reason_then_demote(
    site_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_true_verdicts(site_file, 10)
    assert trust(site_file, "status") == 0
    out = capsys.readouterr().out
    assert "Parvis" in out and LOITERING in out and "shadow" in out and "19 more true verdicts" in out

    assert trust(site_file, "promote", "Parvis", LOITERING, "--by", "Paul") == 3
    assert "needs a written reason" in capsys.readouterr().err

    assert trust(site_file, "promote", "Parvis", LOITERING, "--by", "Paul", "--reason", "city asked") == 0
    assert "is live" in capsys.readouterr().out
    assert trust(site_file, "demote", CAMERA.upper(), LOITERING, "--by", "Paul", "--reason", "too noisy") == 0
    assert trust(site_file, "demote", "Nowhere", LOITERING, "--reason", "x") == 3
    assert "no camera 'Nowhere'" in capsys.readouterr().err

    trail = AuditTrail(site_file.parent / "audit.jsonl")
    assert [e.action for e in trail.entries()][-2:] == ["skill.promote_without_gate", "skill.demote"]
    assert trail.verify() == []


def test_export_writes_the_figures_as_csv(site_file: Path, tmp_path: Path) -> None:
    add_true_verdicts(site_file, 29)
    out = tmp_path / "figures.csv"
    assert trust(site_file, "export", "--out", str(out)) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    total = rows[-1]
    assert (total["skill"], total["week_start"], total["verdicts_true"]) == (LOITERING, "all", "29")
    assert total["promotion_offered"] == "1" and float(total["exact_upper_95"]) < 0.10
