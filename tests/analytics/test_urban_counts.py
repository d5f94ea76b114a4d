"""Counting on the real urban road clip against its hand-annotated crossings (fixtures/traffic-urban).

The clip is analysed once, as an operator would (`analytics run` with the fixture's camera), and
scored by `analytics eval --crossings`.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT
from analytics.evaluation.french_classes import urban_confusion
from analytics.evaluation.vehicle_counts import HEAVY, read_counted, read_crossings, score_counts
from tests.support.single_command import run_command

FIXTURE = REPO_ROOT / "fixtures/traffic-urban"
MAX_COUNT_ERROR = 0.05


@pytest.fixture(scope="module")
def urban_run(shared_asset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    video = shared_asset("data/traffic/urban-320x240.avi")
    out = tmp_path_factory.mktemp("urban-run")
    command = [
        sys.executable,
        "-m",
        "analytics.cli",
        "run",
        str(video),
        "--config",
        str(FIXTURE / "urban-320x240.toml"),
    ]
    result = subprocess.run(
        [*command, "--out", str(out), "--quiet"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"analytics run failed ({result.returncode}):\n{result.stderr}", pytrace=False)
    return out


def test_counts_per_direction_are_within_five_percent(urban_run: Path, capsys) -> None:
    reference = read_crossings(FIXTURE / "crossings.csv")
    scores = score_counts(read_counted(urban_run / "events.jsonl"), reference, tolerance_frames=30)
    assert set(scores.reference) == {("count_y150", "A->B")}
    for key in scores.reference:
        assert scores.count_error(key) <= MAX_COUNT_ERROR, scores.summary()
    argv = ["eval", str(urban_run), "--crossings", str(FIXTURE / "crossings.csv")]
    assert run_command("analytics.commands.evaluate", argv) == 0
    assert "class confusion" in capsys.readouterr().out


def test_heavy_vehicles_are_counted_as_heavy(urban_run: Path) -> None:
    reference = read_crossings(FIXTURE / "crossings.csv")
    scores = score_counts(read_counted(urban_run / "events.jsonl"), reference, tolerance_frames=30)
    heavy = sum(n for (theirs, _), n in scores.confusion.items() if theirs in HEAVY)
    told_apart = sum(n for (theirs, ours), n in scores.confusion.items() if theirs in HEAVY and ours in HEAVY)
    assert heavy >= 1 and told_apart == heavy, scores.confusion
    cars_as_heavy = sum(
        n for (theirs, ours), n in scores.confusion.items() if theirs == "car" and ours in HEAVY
    )
    assert cars_as_heavy == 0, scores.confusion


def test_french_classes_from_measured_lengths_keep_cars_out_of_pl(urban_run: Path) -> None:
    # The clip is the size rules' tuning split (fixtures/traffic-urban/README.md). The lorry is PL by
    # its length; one car of 24 may still be: vehicle 26, whose bottom the taxi in front hides while
    # it is far, measures about 10 m. Before the length fit read the whole box, three VL did (two
    # cars and a van).
    confusion = urban_confusion(urban_run / "events.jsonl", FIXTURE / "crossings.csv")
    assert confusion["PL", "PL"] == 1, confusion
    assert confusion["VL", "PL"] <= 1, confusion
