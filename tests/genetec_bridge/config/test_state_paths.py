"""Production defaults lie in the state directory, never in the source checkout."""

from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT
from analytics.config.state_paths import PRODUCTION_STATE_DIR, STATE_DIR_ENV
from genetec_bridge.config.site import load_site_config
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site


@pytest.fixture
def production_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    for name in (STATE_DIR_ENV, "STATE_DIRECTORY", "RUNTIME_DIRECTORY"):
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
