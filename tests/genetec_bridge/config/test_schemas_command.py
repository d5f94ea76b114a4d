"""schemas/ holds exactly what the models generate; `genetec-bridge schemas` writes and checks it."""

from analytics.assets import REPO_ROOT
from genetec_bridge.cli import COMMAND_MODULES
from genetec_bridge.commands.schemas import stale_schemas
from tests.support.single_command import run_command


def test_the_committed_schemas_are_current() -> None:
    assert stale_schemas(REPO_ROOT / "schemas") == [], "run: make schemas"


def test_written_schemas_check_clean_and_any_change_is_caught(tmp_path, capsys) -> None:
    assert run_command("genetec_bridge.commands.schemas", ["schemas", "--write", str(tmp_path)]) == 0
    assert run_command("genetec_bridge.commands.schemas", ["schemas", "--check", str(tmp_path)]) == 0
    event = tmp_path / "analytics-event.schema.json"
    event.write_text(event.read_text().replace('"track_id"', '"track"'))
    (tmp_path / "site-config.schema.json").unlink()
    (tmp_path / "old.schema.json").write_text("{}")
    capsys.readouterr()

    assert run_command("genetec_bridge.commands.schemas", ["schemas", "--check", str(tmp_path)]) == 1

    err = capsys.readouterr().err
    for expected in (
        "analytics-event.schema.json: outdated",
        "site-config.schema.json: missing",
        "old.schema.json: no model generates it",
    ):
        assert expected in err


def test_the_site_schema_documents_secret_forms_and_forbids_unknown_keys() -> None:
    assert (
        run_command("genetec_bridge.commands.schemas", ["schemas", "--check", str(REPO_ROOT / "schemas")])
        == 0
    )
    text = (REPO_ROOT / "schemas/site-config.schema.json").read_text()

    assert '"$ref": "#/$defs/SecretFromEnv"' in text
    assert '"additionalProperties": false' in text


def test_both_config_commands_are_registered_in_the_bridge_command_line() -> None:
    assert {"genetec_bridge.commands.check_config", "genetec_bridge.commands.schemas"} <= set(COMMAND_MODULES)
