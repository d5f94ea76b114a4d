"""Each kind of mistake in the integrator's file is reported with its key, its line and a reason."""

import pytest

from analytics.config.loader import ConfigError, Problem
from genetec_bridge.config.site import load_site_config
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, line_of, write_site

# (case, old text, new text, key reported, words of the message, text on the reported line)
CASES = [
    ("unknown top-level key", "[health]", "[healt]", "healt", "unknown key", "[healt]"),
    (
        "unknown nested key",
        "min_dwell_s = 120",
        "min_dwell_secs = 120",
        "cameras[0].skills[0].min_dwell_secs",
        "unknown key",
        "min_dwell_secs",
    ),
    (
        "polygon of two points",
        "polygon = [[0.60, 0.55], [0.80, 0.55], [0.80, 0.75], [0.60, 0.75]]",
        "polygon = [[0.60, 0.55], [0.80, 0.55]]",
        "cameras[0].zones[1].polygon",
        "at least 3 points",
        "[0.80, 0.55]]",
    ),
    (
        "coordinate outside 0-1",
        "[0.92, 0.22], [0.88, 0.22]]",
        "[0.92, 0.22], [1.88, 0.22]]",
        "cameras[1].skills[1].signal.region[3][0]",
        "less than or equal to 1",
        "region =",
    ),
    (
        "skill on a zone that does not exist",
        'zone = "Fountain"',
        'zone = "Fontaine"',
        "cameras[0].skills[1].zone",
        "no zone named 'Fontaine'",
        'zone = "Fontaine"',
    ),
    (
        "skill on a line that does not exist",
        'line = "Stop line"',
        'line = "Stopline"',
        "cameras[1].skills[1].line",
        "no line named 'Stopline'",
        'line = "Stopline"',
    ),
    (
        "schedule that does not exist",
        'schedule = "market_days"',
        'schedule = "market"',
        "cameras[0].skills[2].schedule",
        "no schedule named 'market'",
        'schedule = "market"',
    ),
    (
        "duplicate camera",
        'id = "{00000002-0000-BABE-0000-00408CA1EB96}"',
        'id = "00000001-0000-BABE-0000-00408CA1EB95"',
        "cameras[1].id",
        "duplicate camera id",
        'id = "00000001-0000-BABE',
    ),
    (
        "secret file missing",
        'file = "secrets/rtsp-password"',
        'file = "secrets/no-such-file"',
        "media_gateway.password",
        "cannot read secret file",
        "no-such-file",
    ),
    (
        "secret in an unknown form",
        '{ env = "GENETEC_PASSWORD" }',
        '{ vault = "GENETEC_PASSWORD" }',
        "genetec.password",
        '{ env = "NAME" } or { file = "path" }',
        "vault",
    ),
    (
        "CA file missing",
        "verify_tls = true",
        'verify_tls = true\nca_file = "secrets/missing-ca.pem"',
        "genetec.ca_file",
        "no such file",
        'ca_file = "secrets/missing',
    ),
    (
        "bad GUID",
        'id = "00000001-0000-babe-0000-00408ca1eb95"',
        'id = "camera-1"',
        "cameras[0].id",
        "'camera-1' is not a GUID",
        'id = "camera-1"',
    ),
    (
        "bad time zone",
        '[schedules.nights]\ntimezone = "Europe/Paris"',
        '[schedules.nights]\ntimezone = "Europe/Pariss"',
        "schedules.nights.timezone",
        "not a known IANA time zone",
        "Pariss",
    ),
    (
        "bad statistics time zone",
        'timezone = "Europe/Paris"',
        'timezone = "Europe/Pariss"',
        "counting.timezone",
        "not a known IANA time zone",
        "Pariss",
    ),
    (
        "bad time of day",
        'start = "20:00"',
        'start = "25:00"',
        "schedules.nights.windows[0].start",
        "not a time of day",
        "windows = [",
    ),
    (
        "unknown skill kind",
        'kind = "counting"',
        'kind = "tailgating"',
        "cameras[1].skills[0].kind",
        "unknown value 'tailgating'",
        "tailgating",
    ),
    (
        "wrong type",
        "fps = 10",
        'fps = "ten"',
        "cameras[1].fps",
        "valid number",
        'fps = "ten"',
    ),
    (
        "missing required key",
        'host = "sc-media.city.local"',
        "",
        "media_gateway.host",
        "missing required key",
        "[media_gateway]",
    ),
    (
        "stream name unknown",
        'stream = "highres"',
        'stream = "HD"',
        "cameras[1].stream",
        "'live'",
        'stream = "HD"',
    ),
    (
        "camera's own Media Gateway port out of range",
        '# media_gateway = { host = "sc-media-2.city.local", port = 654 }',
        'media_gateway = { host = "sc-media-2.city.local", port = 70000 }',
        "cameras[1].media_gateway.port",
        "less than or equal to 65535",
        "port = 70000",
    ),
    (
        "credentials in the Web SDK URL",
        'url = "https://sc-main',
        'url = "https://admin:pw@sc-main',
        "genetec.url",
        "must not hold credentials",
        "url =",
    ),
    (
        "plain HTTP to the Web SDK without opting in",
        'url = "https://sc-main',
        'url = "http://sc-main',
        "genetec",
        "the Security Center password would travel in clear text",
        "[genetec]",
    ),
    (
        "custom event id beyond Security Center's 32-bit ids",
        "custom_event_id = 8002",
        "custom_event_id = 100000000000000000000",
        "cameras[0].skills[1].alert.custom_event_id",
        "less than or equal to 2147483647",
        "custom_event_id = 100000000000000000000",
    ),
    (
        "a NUL character in a camera name",
        'name = "Parvis Saint-Michel"',
        'name = "Parvis\\u0000Saint-Michel"',
        "cameras[0].name",
        "control character (U+0000)",
        "Parvis",
    ),
    (
        "a control character in a zone name",
        'name = "Porch"',
        'name = "Por\\tch"',
        "cameras[0].zones[0].name",
        "control character (U+0009)",
        "Por",
    ),
    (
        "a URL with its password where an address goes: quoted without the password",
        'listen = "127.0.0.1"',
        'listen = "https://admin:pw-in-url@sc-main"',
        "health.listen",
        "'https://admin:***@sc-main' is not an IP address",
        "listen =",
    ),
    (
        "health server off loopback without a token",
        'listen = "127.0.0.1"',
        'listen = "0.0.0.0"',
        "health",
        "set token",
        "[health]",
    ),
    (
        "retry delays reversed",
        "retry_max_s = 60",
        "retry_max_s = 0.5",
        "delivery",
        "retry_max_s must be at least retry_initial_s",
        "[delivery]",
    ),
    (
        "delivered events kept no time",
        "keep_delivered_h = 24 ",
        "keep_delivered_h = 0 ",
        "delivery.keep_delivered_h",
        "greater than 0",
        "keep_delivered_h = 0",
    ),
    (
        "rejected events kept a negative time",
        "keep_rejected_h = 168 ",
        "keep_rejected_h = -1 ",
        "delivery.keep_rejected_h",
        "greater than 0",
        "keep_rejected_h = -1",
    ),
]


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def _load_problems(text: str, tmp_path) -> list[Problem]:
    with pytest.raises(ConfigError) as raised:
        load_site_config(write_site(tmp_path, text))
    return raised.value.problems


@pytest.mark.parametrize(
    ("old", "new", "key", "words", "on_line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_mistake_is_reported_with_its_key_line_and_reason(tmp_path, old, new, key, words, on_line) -> None:
    text = edited(example_text(), old, new)

    problems = _load_problems(text, tmp_path)

    assert [(p.key, p.line) for p in problems] == [(key, line_of(text, on_line))], problems
    assert words in problems[0].message


def test_a_duplicate_zone_is_reported_where_it_is_repeated(tmp_path) -> None:
    repeated = (
        '[[cameras.zones]]\nname = "Porch"  # again\npolygon = [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]]\n\n'
    )
    text = edited(example_text(), "[[cameras.skills]]", repeated + "[[cameras.skills]]")

    problems = _load_problems(text, tmp_path)

    assert problems == [
        Problem("cameras[0].zones[3].name", line_of(text, "# again"), "duplicate name 'Porch'")
    ]


def test_a_missing_environment_variable_names_the_key_and_the_variable(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV)
    text = example_text()

    problems = _load_problems(text, tmp_path)

    assert problems == [
        Problem(
            "genetec.password",
            line_of(text, "password = { env"),
            f"environment variable {PASSWORD_ENV} is not set",
        )
    ]


def test_a_toml_syntax_error_gives_its_line(tmp_path) -> None:
    text = edited(example_text(), "batch_size = 8", "batch_size = = 8")

    [problem] = _load_problems(text, tmp_path)

    assert problem.key == "site.toml"
    assert problem.line == line_of(text, "batch_size = = 8")
    assert problem.message.startswith("not valid TOML: ")


def test_every_problem_is_reported_at_once(tmp_path) -> None:
    text = edited(example_text(), "[health]", "[healt]")
    text = edited(text, 'id = "00000001-0000-babe-0000-00408ca1eb95"', 'id = "camera-1"')
    text = edited(text, "fps = 10", "fps = 0")

    keys = {p.key for p in _load_problems(text, tmp_path)}

    assert keys == {"healt", "cameras[0].id", "cameras[1].fps"}


def test_the_error_message_lists_one_problem_per_line(tmp_path) -> None:
    text = edited(example_text(), 'zone = "Fountain"', 'zone = "Fontaine"')
    path = write_site(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_site_config(path)

    assert str(raised.value).splitlines()[1:] == [
        f"cameras[0].skills[1].zone (line {line_of(text, 'Fontaine')}): no zone named 'Fontaine' "
        "(known: ['Porch', 'Fountain', 'Delivery bay'])"
    ]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no such file"),
        (b"\xff\xfe\x00binary", "not a TOML file"),
        (b"just some words\n", "not valid TOML"),
    ],
    ids=["missing", "binary", "prose"],
)
def test_a_file_that_is_not_a_readable_toml_file_is_a_config_error(tmp_path, content, words) -> None:
    path = tmp_path / "site.toml"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(ConfigError) as raised:
        load_site_config(path)

    [problem] = raised.value.problems
    assert words in problem.message
