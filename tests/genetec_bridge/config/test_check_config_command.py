"""`genetec-bridge check-config FILE`: a summary and exit 0, or one line per problem and exit 2."""

import pytest

from tests.support.single_command import run_command
from tests.support.site_config_files import EXAMPLE, PASSWORD_ENV, edited, example_text, line_of, write_site


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def test_the_example_is_accepted_and_summarised(capsys) -> None:
    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(EXAMPLE)]) == 0

    out = capsys.readouterr().out
    for expected in (
        "https://sc-main.city.local:4590/WebSdk as analytics-bridge, TLS verified",
        "Parvis Saint-Michel [00000001-0000-babe-0000-00408ca1eb95]: 5 fps",
        "Carrefour Jean-Jaures [00000002-0000-babe-0000-00408ca1eb96]: 10 fps, stream highres",
        "zones: Porch, Fountain, Delivery bay",
        "lines: Stop line, Northbound count",
        "Porch at night: loitering on zone 'Porch'",
        "red_light:Stop line: red_light on line 'Stop line'",
        "nights: mon,tue,wed,thu,fri 20:00-06:30; sat,sun 18:00-08:00 (Europe/Paris)",
        "custom event 8002 + alarm 5f1c2a3b-0000-4000-8000-00000000a001",
        "custom event 8004 + 2 bookmarks (straddling the stop line, then past it) (start/instant)",
        "Retention: outbox 24 h delivered, 168 h refused; counts 730 d, audit 365 d, verdicts 365 d,"
        " track history 24 h; purged every 60 min",
        "Privacy documents: to complete in [privacy]: dpo, processor, legal_basis, security_center_retention",
    ):
        assert expected in out


def test_a_routed_red_light_skill_shows_both_bookmarks_even_when_the_routing_asks_for_none(
    tmp_path, capsys
) -> None:
    text = edited(example_text(), "custom_event_id = 8004\nbookmark = true", "custom_event_id = 8004")
    path = write_site(tmp_path, text)

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(path)]) == 0

    (red_light,) = [line for line in capsys.readouterr().out.splitlines() if "red_light on line" in line]
    assert red_light.endswith(
        "custom event 8004 + 2 bookmarks (straddling the stop line, then past it) (start/instant)"
    )


def test_turning_tls_verification_off_is_shown(tmp_path, capsys) -> None:
    path = write_site(tmp_path, edited(example_text(), "verify_tls = true", "verify_tls = false"))

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(path)]) == 0

    assert "TLS NOT VERIFIED" in capsys.readouterr().out


def test_an_invalid_file_prints_one_line_per_problem_and_exits_2(tmp_path, capsys) -> None:
    text = edited(example_text(), 'zone = "Fountain"', 'zone = "Fontaine"')
    text = edited(text, "port = 8088", "port = 80880")
    path = write_site(tmp_path, text)

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(path)]) == 2

    output = capsys.readouterr()
    assert output.out == ""
    assert output.err.splitlines()[1:] == [
        f"cameras[0].skills[1].zone (line {line_of(text, 'Fontaine')}): no zone named 'Fontaine' "
        "(known: ['Porch', 'Fountain', 'Delivery bay'])",
        f"health.port (line {line_of(text, '80880')}): Input should be less than or equal to 65535",
    ]


@pytest.mark.parametrize(("content", "words"), [(None, "no such file"), (b"<xml/>\n", "not valid TOML")])
def test_a_missing_or_non_toml_file_exits_2_with_a_clear_message(tmp_path, capsys, content, words) -> None:
    path = tmp_path / "site.toml"
    if content is not None:
        path.write_bytes(content)

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(path)]) == 2

    assert words in capsys.readouterr().err


def test_plain_http_accepted_only_by_choice_and_said_in_words(tmp_path, capsys) -> None:
    text = edited(example_text(), 'url = "https://sc-main', 'url = "http://sc-main')
    refused = write_site(tmp_path, text, "refused.toml")
    chosen = write_site(tmp_path, edited(text, "# allow_plain_http = false", "allow_plain_http = true"))

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(refused)]) == 2
    assert "clear text" in capsys.readouterr().err
    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(chosen)]) == 0

    out = capsys.readouterr().out
    security_center = next(line for line in out.splitlines() if line.startswith("Security Center:"))
    assert "PLAIN HTTP" in security_center and "the password travels in clear text" in security_center
    assert "TLS verified" not in security_center


def test_rtsps_verification_and_the_health_token_are_shown(tmp_path, capsys) -> None:
    text = edited(example_text(), "tls = false", "tls = true")
    text = edited(text, 'listen = "127.0.0.1"', 'listen = "0.0.0.0"\ntoken = "a-long-health-token"')
    path = write_site(tmp_path, text)

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(path)]) == 0

    out = capsys.readouterr().out
    assert "rtsps://sc-media.city.local:654" in out and "TLS verified" in out.split("Media Gateway:")[1]
    assert "/status and /metrics behind a bearer token" in out
    assert "a-long-health-token" not in out


def test_inference_on_triton_and_analysis_hosts_are_shown(tmp_path, capsys) -> None:
    text = edited(
        example_text(),
        "batch_size = 8\n",
        'batch_size = 8\ninference = "triton"\ntriton = { url = "triton.city.local:8001" }\n',
    )
    text = edited(
        text,
        "[[cameras]]\n",
        '[[hosts]]\nname = "analysis-1"\nhealth_url = "http://10.0.4.11:8088"\n\n[[cameras]]\n',
    )
    text = text.replace("[[cameras]]\n", '[[cameras]]\nanalysis_host = "analysis-1"\n')
    path = write_site(tmp_path, text)

    assert run_command("genetec_bridge.commands.check_config", ["check-config", str(path)]) == 0

    out = capsys.readouterr().out
    assert "inference on Triton triton.city.local:8001 model yolox_nano (timeout 2 s)" in out
    assert "Analysis hosts (1): analysis-1 (http://10.0.4.11:8088, capacity 1)" in out
    assert "analysed on host analysis-1" in out
