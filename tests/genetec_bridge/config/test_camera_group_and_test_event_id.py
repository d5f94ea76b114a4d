"""The camera's `group` (what the box lists and searches cameras by) and the box's test event id:
bad values are refused at load naming the key; a group change restarts no camera's skills."""

import os
from pathlib import Path

import pytest

from analytics.config.loader import ConfigError
from genetec_bridge.config.changes import changed_cameras
from genetec_bridge.config.site import SiteConfig, load_site_config
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

FIRST_CAMERA = 'name = "Parvis Saint-Michel"\n'


def _load(tmp_path: Path, text: str) -> SiteConfig:
    os.environ.setdefault(PASSWORD_ENV, "example-password")
    return load_site_config(write_site(tmp_path, text))


def _problems(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, text)
    return [(problem.key, problem.message) for problem in raised.value.problems]


def test_a_group_is_read_and_changing_it_changes_no_camera(tmp_path: Path) -> None:
    before = _load(tmp_path, example_text())
    after = _load(tmp_path, edited(example_text(), FIRST_CAMERA, FIRST_CAMERA + 'group = "Old town"\n'))
    assert [camera.group for camera in after.cameras] == ["Old town", None]
    assert changed_cameras(before, after) == []


@pytest.mark.parametrize(
    ("line", "words"),
    [('group = ""', "at least 1"), (f'group = "{"x" * 81}"', "at most 80")],
)
def test_a_bad_group_is_refused_naming_its_key(tmp_path: Path, line: str, words: str) -> None:
    problems = _problems(tmp_path, edited(example_text(), FIRST_CAMERA, f"{FIRST_CAMERA}{line}\n"))
    assert [key for key, _ in problems] == ["cameras[0].group"]
    assert words in problems[0][1]


def test_a_skill_on_the_test_event_id_is_refused_naming_its_key(tmp_path: Path) -> None:
    text = example_text() + "\n[box]\ntest_custom_event_id = 8001\n"
    problems = _problems(tmp_path, text)
    assert [key for key, _ in problems] == ["cameras[0].skills[0].alert.custom_event_id"]
    assert "[box].test_custom_event_id" in problems[0][1]
