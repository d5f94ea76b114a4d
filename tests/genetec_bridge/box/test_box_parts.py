"""The box's parts on their own: the FR/EN catalogue, accounts and their command, comment-keeping
TOML merges, versions, and skill forms derived from the typed models."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomlkit
from pydantic import ValidationError

from analytics.skills.base import AlertRouting
from analytics.skills.registry import SKILL_TYPES
from genetec_bridge.box.accounts import ACCOUNT_ERRORS, AccountError, AccountStore, Role
from genetec_bridge.box.config import BoxConfig
from genetec_bridge.box.i18n import LANGUAGES, MESSAGES, number, percent
from genetec_bridge.box.pages.review import REASON_MESSAGES
from genetec_bridge.box.pages.users import DONE, ROLE_LABELS
from genetec_bridge.box.skill_forms import skill_forms
from genetec_bridge.box.toml_merge import merge
from genetec_bridge.box.versions import VersionStore
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

TEMPLATES = Path(__file__).parents[3] / "genetec_bridge/box/templates"
SCRIPT = Path(__file__).parents[3] / "genetec_bridge/box/static/editor.js"


def test_every_message_is_in_french_and_english_and_every_key_used_exists() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert set(re.findall(r"{(\w+)}", texts["en"])) == set(re.findall(r"{(\w+)}", texts["fr"])), key
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r'\bt\("([\w.]+)"', template.read_text()))
        used |= set(re.findall(r"t\('([\w.]+)'", template.read_text()))
    used |= {f"editor.{key}" for key in re.findall(r'\bt\("(\w+)"', SCRIPT.read_text())}
    used |= set(REASON_MESSAGES.values())  # the review page's reason labels, one per FalseReason
    used |= set(DONE.values()) | set(ROLE_LABELS.values())  # the users page's notices and role names
    used |= {f"account_error.{code}" for code in ACCOUNT_ERRORS}  # account refusals, in the reader's language
    assert used and used <= set(MESSAGES), used - set(MESSAGES)


def test_every_role_mode_and_value_a_form_offers_has_its_words() -> None:
    """Shown in the reader's language, not as the config value: roles, modes, skill kinds, object
    classes and the options of every skill's and the alert's choices."""
    forms = skill_forms()
    descriptors = [d for skill in forms["skills"].values() for d in skill["fields"]] + forms["alert"]
    wanted = {f"role.{role.value}" for role in Role} | {"mode.shadow", "mode.live"}
    wanted |= {f"label.kind.{kind}" for kind in forms["skills"]}
    wanted |= {f"label.class.{name}" for name in forms["classes"]}
    wanted |= {f"label.option.{option}" for d in descriptors for option in d.get("options", [])}
    assert wanted - set(MESSAGES) == set()


def test_numbers_are_written_in_the_reader_s_format() -> None:
    assert number("en", 12345.678, 1) == "12,345.7" and number("fr", 12345.678, 1) == "12\u202f345,7"
    assert percent("en", 0.0046) == "0.5%" and percent("fr", 0.0046, 2) == "0,46\u202f%"
    assert number("fr", None) == "–"


def test_accounts_hash_passwords_refuse_weak_ones_and_rank_roles(tmp_path: Path) -> None:
    store = AccountStore(tmp_path / "accounts.json")
    store.add("ines", Role.INTEGRATOR, "a-long-enough-password")
    text = (tmp_path / "accounts.json").read_text()
    assert "a-long-enough-password" not in text and "$argon2id$" in text
    assert (tmp_path / "accounts.json").stat().st_mode & 0o077 == 0
    assert store.verify("ines", "a-long-enough-password") is not None
    assert store.verify("ines", "wrong") is None and store.verify("nobody", "a-long-enough-password") is None
    with pytest.raises(AccountError, match="at least"):
        store.add("rita", Role.REVIEWER, "short")
    with pytest.raises(AccountError, match="already exists"):
        store.add("ines", Role.VIEWER, "another-long-password")
    assert Role.INTEGRATOR.allows(Role.REVIEWER) and not Role.VIEWER.allows(Role.REVIEWER)


def test_add_user_reads_the_password_from_stdin_and_never_prints_it(tmp_path: Path) -> None:
    config = write_site(
        tmp_path,
        edited(example_text(), "[audit]\n", '[audit]\npath = "audit.jsonl"\n')
        + '\n[box]\naccounts_path = "accounts.json"\n',
    )
    command = [sys.executable, "-m", "genetec_bridge.cli", "box", "add-user", "ines", "--role", "integrator"]
    env = {PASSWORD_ENV: "example-password", "PATH": ""}
    done = subprocess.run(
        [*command, "--config", str(config)],
        input="the-first-password\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "the-first-password" not in done.stdout + done.stderr
    assert AccountStore(tmp_path / "accounts.json").verify("ines", "the-first-password") is not None
    weak = subprocess.run(
        [*command.copy()[:-3], "rita", "--role", "viewer", "--config", str(config)],
        input="short\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert weak.returncode == 1 and "at least" in weak.stderr
    assert "account.create" in (tmp_path / "audit.jsonl").read_text()


def test_merge_touches_only_what_changed() -> None:
    text = '# head\n[a]\nx = 1  # why x\ny = [1, 2]\n\n[[a.items]]\nname = "one"  # first\n\n[[a.items]]\nname = "two"\n'
    document = tomlkit.parse(text)
    merge(
        document, {"a": {"x": 2, "y": [1, 2], "items": [{"name": "one"}, {"name": "2"}, {"name": "three"}]}}
    )
    out = tomlkit.dumps(document)
    assert out.startswith("# head\n[a]\nx = 2  # why x\ny = [1, 2]\n")
    assert 'name = "one"  # first' in out and 'name = "2"' in out and 'name = "three"' in out
    merge(document, {"a": {"x": 2, "items": [{"name": "one"}]}})
    assert tomlkit.loads(tomlkit.dumps(document)).unwrap() == {"a": {"x": 2, "items": [{"name": "one"}]}}


def test_versions_keep_every_text_and_diff_against_the_previous(tmp_path: Path) -> None:
    store = VersionStore(tmp_path)
    store.record("a = 1\n", "(file)", "config.initial")
    second = store.record("a = 2\n", "ines", "config.save", "camera")
    assert second.number == 2 and store.text_of(1) == "a = 1\n"
    assert "-a = 1" in store.diff(2) and "+a = 2" in store.diff(2)


def test_every_skill_kind_has_a_form_with_its_target_first() -> None:
    forms = skill_forms()
    assert len(forms["skills"]) == len(SKILL_TYPES)
    for kind, form in forms["skills"].items():
        names = [field["name"] for field in form["fields"]]
        assert names[:2] == ["kind", form["target"]], kind
        assert names[-1] == "alert"
    loitering = {f["name"]: f for f in forms["skills"]["loitering"]["fields"]}
    assert loitering["min_dwell_s"]["widget"] == "number" and loitering["min_dwell_s"]["gt"] == 0
    assert loitering["class_min_dwell_s"]["widget"] == "class_numbers"
    assert {f["name"]: f["widget"] for f in forms["alert"]}["alarm"] == "alarm"
    # Names are typed as text, never as JSON.
    assert loitering["name"]["widget"] == "text"
    assert {f["name"]: f["widget"] for f in forms["alert"]}["custom_event_name"] == "text"
    # Every skill can be switched off without being deleted: a switch, on by default.
    assert loitering["enabled"] | {"description": ""} == {
        "name": "enabled",
        "widget": "switch",
        "default": True,
        "required": False,
        "description": "",
    }


def test_the_box_beyond_this_machine_needs_tls(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("not read by the model")
    (tmp_path / "key.pem").write_text("not read by the model")
    assert BoxConfig(enabled=True).listen == "127.0.0.1"
    with pytest.raises(ValidationError, match="tls_cert and tls_key"):
        BoxConfig(enabled=True, listen="0.0.0.0")
    with pytest.raises(ValidationError, match="tls_key is missing"):
        BoxConfig(tls_cert=tmp_path / "cert.pem")
    served = BoxConfig(
        enabled=True, listen="0.0.0.0", tls_cert=tmp_path / "cert.pem", tls_key=tmp_path / "key.pem"
    )
    assert served.tls


def test_a_new_routing_starts_with_what_its_kind_raises() -> None:
    skills = skill_forms()["skills"]
    for kind in ("loitering", "parking", "lane_misuse"):
        assert skills[kind]["alert_defaults"] == {"phases": ["start", "end"], "bookmark": True}, kind
    for kind in ("intrusion", "red_light"):
        assert skills[kind]["alert_defaults"] == {"phases": ["instant"], "bookmark": True}, kind
    assert skills["counting"]["alert_defaults"] == {"phases": ["instant"], "bookmark": False}
    for form in skills.values():  # every default is a routing the site file accepts
        AlertRouting(custom_event_id=8000, **form["alert_defaults"])
