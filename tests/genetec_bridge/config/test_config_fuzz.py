"""1,000 mutations of the example site file (values of other types, out of range or hostile, keys
renamed, dropped or repeated, tables renamed): each loads, or fails as a ConfigError naming keys,
never a traceback. No outcome shows the Security Center password (planted in its environment
variable), and no error shows a password typed into a URL wherever the mutation put that URL."""

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.config.loader import ConfigError
from genetec_bridge.config.site import load_site_config
from genetec_bridge.config.summary import describe_site
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site

SECRET = "Zq7-recognisable-p4ss"
URL_PASSWORD = "typed-in-the-url-7x"
LINES = example_text().splitlines()
ASSIGNMENTS = [i for i, line in enumerate(LINES) if re.match(r"^\s*[A-Za-z_]+\s*=", line)]
TABLES = [i for i, line in enumerate(LINES) if line.startswith("[")]

toml_strings = st.text(max_size=12).map(
    lambda s: '"' + s.encode("unicode_escape").decode().replace('"', r"\"") + '"'
)
toml_values = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["0", "-1", "2147483647", "2147483648", "1e309", "nan", "inf", "-0.0", "1.5"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    toml_strings,
    st.sampled_from(
        [
            '"Parvis\\u0000"',
            '"\\u001b[31m"',
            f'"https://admin:{URL_PASSWORD}@sc-main:4590/WebSdk"',
            f'"htps://admin:{URL_PASSWORD}@sc-main"',
            f'"http://admin:{URL_PASSWORD}@[::1"',
            '"http://sc-main:4590/WebSdk"',
            '"0.0.0.0"',
            '"rtsp"',
            "[]",
            "[[0.1, 0.1], [0.2]]",
            "{}",
            '{ env = "NOT_SET_ANYWHERE" }',
            '{ file = "secrets/missing" }',
            '{ env = "GENETEC_PASSWORD", file = "x" }',
            "[1, 2, 3]",
            '"Europe/Atlantis"',
            '"25:00"',
        ]
    ),
)
identifiers = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)


@st.composite
def mutated_files(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["value", "value", "value", "drop", "rename", "repeat", "table"]))
        if kind == "table":
            index = draw(st.sampled_from(TABLES))
            lines[index] = "[" + draw(identifiers) + "]"
            continue
        index = draw(st.sampled_from(ASSIGNMENTS))
        key, _, _ = lines[index].partition("=")
        if kind == "value":
            lines[index] = f"{key}= {draw(toml_values)}"
        elif kind == "drop":
            lines[index] = ""
        elif kind == "rename":
            lines[index] = draw(identifiers) + " =" + lines[index].partition("=")[2]
        else:
            lines.insert(index, lines[index])
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def site_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        write_site(Path(directory), example_text())  # the example's secret files beside it
        yield Path(directory)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated_files())
def test_a_mutated_site_file_loads_or_is_a_clear_config_error(
    text: str, site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, SECRET)
    path = site_dir / "mutated.toml"
    path.write_text(text, encoding="utf-8")
    try:
        config = load_site_config(path)
    except ConfigError as error:
        assert error.problems, "an error lists its problems"
        assert all(problem.message for problem in error.problems)
        shown = str(error)
        assert URL_PASSWORD not in shown
    else:
        shown = "\n".join(describe_site(config)) + repr(config) + config.model_dump_json()
    assert SECRET not in shown
