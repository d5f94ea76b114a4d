"""Production defaults lie in the state directory, never in the source checkout; the detector model
is found whatever the state directory (GENETEC_ANALYTICS_MODEL), or the bridge refuses to start saying
where it looked."""

from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT
from analytics.config.state_paths import MODEL_ENV, PRODUCTION_STATE_DIR, STATE_DIR_ENV
from genetec_bridge.commands import INVALID_CONFIG
from genetec_bridge.config.site import load_site_config
from tests.support.single_command import run_command
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site


@pytest.fixture
def production_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    for name in (STATE_DIR_ENV, "STATE_DIRECTORY", "RUNTIME_DIRECTORY", MODEL_ENV):
        monkeypatch.delenv(name, raising=False)


def _default_paths(tmp_path: Path) -> dict[str, Path]:
    config = load_site_config(write_site(tmp_path, example_text()))
    return {
        "daemon.model": config.daemon.model,
        "daemon.socket_path": config.daemon.socket_path,
        "delivery.outbox_path": config.delivery.outbox_path,
        "counting.store_path": config.counting.store_path,
    }


@pytest.mark.usefixtures("production_environment")
def test_without_a_state_directory_the_defaults_are_under_var_lib(tmp_path) -> None:
    for key, path in _default_paths(tmp_path).items():
        assert path.is_relative_to(PRODUCTION_STATE_DIR), f"{key} defaults to {path}"
        assert not path.is_relative_to(REPO_ROOT), f"{key} defaults into the checkout: {path}"


@pytest.mark.usefixtures("production_environment")
def test_systemd_state_and_runtime_directories_are_followed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/genetec-analytics-b")
    monkeypatch.setenv("RUNTIME_DIRECTORY", "/run/genetec-analytics-b")

    paths = _default_paths(tmp_path)

    assert paths["delivery.outbox_path"] == Path("/var/lib/genetec-analytics-b/outbox.sqlite3")
    assert paths["daemon.socket_path"] == Path("/run/genetec-analytics-b/analytics.sock")


def test_the_model_named_by_the_environment_is_used_whatever_the_state_directory(
    tmp_path, monkeypatch
) -> None:
    model = tmp_path / "installed/yolox_nano.onnx"
    model.parent.mkdir()
    model.write_bytes(b"a model")
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "fresh-state"))  # a fresh folder: no model in it
    monkeypatch.setenv(MODEL_ENV, str(model))

    config = load_site_config(write_site(tmp_path, example_text()))

    assert config.daemon.model == model


def test_without_a_model_the_bridge_refuses_to_start_saying_where_it_looked(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    monkeypatch.setenv(STATE_DIR_ENV, str(tmp_path / "fresh-state"))
    monkeypatch.delenv(MODEL_ENV, raising=False)
    path = write_site(tmp_path, example_text())

    assert run_command("genetec_bridge.commands.run", ["run", "--config", str(path)]) == INVALID_CONFIG
    said = capsys.readouterr().err
    assert f"daemon.model: no detector model at {tmp_path / 'fresh-state/models/yolox_nano.onnx'}" in said
    assert f"the state directory, {MODEL_ENV} being unset" in said

    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "nowhere.onnx"))
    assert run_command("genetec_bridge.commands.run", ["run", "--config", str(path)]) == INVALID_CONFIG
    assert f"no detector model at {tmp_path / 'nowhere.onnx'} (from {MODEL_ENV})" in capsys.readouterr().err
    # The file itself stays valid: other commands (check-config, box add-user) still read it.
    assert load_site_config(path).daemon.model == tmp_path / "nowhere.onnx"
