"""Passwords resolve from their three forms and never show: not in output, errors, dumps nor logs."""

import logging

import pytest

from analytics.config.loader import ConfigError
from genetec_bridge.config.site import load_site_config
from tests.support.single_command import run_command
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

SECRET = "Zq7-recognisable-p4ss"


def test_the_three_forms_resolve_at_load(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RTSP_PASSWORD", "from-env")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets/sc-password").write_text("from-file\n")
    text = edited(example_text(), '{ env = "GENETEC_PASSWORD" }', '{ file = "secrets/sc-password" }')
    text = edited(text, '{ file = "secrets/rtsp-password" }', '{ env = "RTSP_PASSWORD" }')
    inline = edited(text, '{ file = "secrets/sc-password" }', '"in line"')

    from_file = load_site_config(write_site(tmp_path, text))
    from_inline = load_site_config(write_site(tmp_path, inline, "inline.toml"))

    assert from_file.genetec.password.get_secret_value() == "from-file"  # trailing newline dropped
    assert from_file.media_gateway.password.get_secret_value() == "from-env"
    assert from_inline.genetec.password.get_secret_value() == "in line"


def test_a_secret_file_is_relative_to_the_config_file_not_the_working_directory(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "x")
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    path = write_site(site_dir, example_text())
    monkeypatch.chdir(tmp_path)

    config = load_site_config(path.relative_to(tmp_path))

    assert config.media_gateway.password.get_secret_value() == "example-rtsp-password"


def test_an_empty_secret_is_an_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "")

    with pytest.raises(ConfigError) as raised:
        load_site_config(write_site(tmp_path, example_text()))

    assert [(p.key, p.message) for p in raised.value.problems] == [
        ("genetec.password", f"environment variable {PASSWORD_ENV} is empty")
    ]


def _secret_everywhere(tmp_path, monkeypatch) -> dict[str, str]:
    """A valid file and an invalid one holding SECRET in all three forms, and where each was written."""
    monkeypatch.setenv("SECRET_ENV", SECRET)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets/sc-password").write_text(SECRET)
    valid = edited(example_text(), '{ env = "GENETEC_PASSWORD" }', '{ file = "secrets/sc-password" }')
    valid = edited(valid, '{ file = "secrets/rtsp-password" }', '{ env = "SECRET_ENV" }')
    # The health server's token, required off loopback, is a secret too.
    valid = edited(
        valid, 'listen = "127.0.0.1"', 'listen = "0.0.0.0"\ntoken = { file = "secrets/sc-password" }'
    )
    # Errors in the very tables holding the secrets: pydantic's error inputs would contain them.
    invalid = edited(valid, '{ file = "secrets/sc-password" }', f'"{SECRET}"\nverify = false')
    # A URL the integrator typed a password into, malformed: its error quotes the URL, not the password.
    invalid = edited(invalid, 'url = "https://sc-main', f'url = "htps://admin:{SECRET}@sc-main')
    invalid = edited(invalid, "tls = false", "tls = 3")
    invalid = edited(invalid, "[health]", "[healt]")
    return {
        "valid": str(write_site(tmp_path, valid, "valid.toml")),
        "invalid": str(write_site(tmp_path, invalid, "invalid.toml")),
    }


def test_no_secret_shows_in_check_config_output_errors_dumps_or_logs(
    tmp_path, monkeypatch, capsys, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    files = _secret_everywhere(tmp_path, monkeypatch)
    seen: list[str] = []

    assert run_command("genetec_bridge.commands.check_config", ["check-config", files["valid"]]) == 0
    assert run_command("genetec_bridge.commands.check_config", ["check-config", files["invalid"]]) == 2
    output = capsys.readouterr()
    seen += [output.out, output.err]
    config = load_site_config(files["valid"])
    seen += [repr(config), str(config), config.model_dump_json(), repr(config.model_dump())]
    seen += [repr(config.genetec), str(config.media_gateway), str(config.genetec.password)]
    with pytest.raises(ConfigError) as raised:
        load_site_config(files["invalid"])
    seen += [str(raised.value), repr(raised.value), repr(raised.value.problems)]
    seen += [repr(raised.value.__cause__), repr(raised.value.__context__)]
    seen.append(caplog.text)

    assert "genetec.password" not in output.err  # the inline secret itself was valid
    assert "media_gateway.tls" in output.err
    assert "'htps://admin:***@sc-main.city.local:4590/WebSdk' is not an http(s) URL" in output.err
    assert config.health.token is not None and config.health.token.get_secret_value() == SECRET
    assert config.genetec.password.get_secret_value() == SECRET
    assert config.media_gateway.password.get_secret_value() == SECRET
    leaks = [text for text in seen if SECRET in text]
    assert leaks == []
