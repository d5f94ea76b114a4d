"""Counting on the urban road clip with the detector on 2×2 tiles ([cameras.detection] tiles = 2):
every vehicle of a busy stretch counted once, none twice although each is seen in up to four tiles
and cut by their edges on its way. Windows of the clip cut losslessly, analysed as an operator would
(`analytics run`): frames 741-1020 (eight crossings of fixtures/traffic-urban/crossings.csv), and
frames 1560-1699 (three), where two cars queue across the tiles' inner edges (x = 200, y = 150) while
they cross the line."""

import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from analytics.assets import REPO_ROOT
from analytics.evaluation.vehicle_counts import Crossing, read_counted, read_crossings, score_counts

FIXTURE = REPO_ROOT / "fixtures/traffic-urban"


def cut(video: Path, out: Path, first: int, last: int) -> Path:
    """Frames `first` to `last` (1-based) of the clip."""
    capture = cv2.VideoCapture(str(video))
    capture.set(cv2.CAP_PROP_POS_FRAMES, first - 1)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"FFV1"), 30, (320, 240))
    for _ in range(last - first + 1):
        ok, image = capture.read()
        assert ok, f"{video} ends before frame {last}"
        writer.write(image)
    writer.release()
    capture.release()
    return out


@pytest.mark.parametrize(("first", "last", "crossings"), [(741, 1020, 8), (1560, 1699, 3)])
def test_two_by_two_tiles_count_every_vehicle_once(
    shared_asset, tmp_path: Path, first: int, last: int, crossings: int
) -> None:
    clip = cut(shared_asset("data/traffic/urban-320x240.avi"), tmp_path / "window.avi", first, last)
    config = tmp_path / "tiled.toml"
    config.write_text((FIXTURE / "urban-320x240.toml").read_text() + "\n[cameras.detection]\ntiles = 2\n")
    out = tmp_path / "run"
    command = [sys.executable, "-m", "analytics.cli", "run", str(clip), "--config", str(config)]
    result = subprocess.run(
        [*command, "--out", str(out), "--quiet"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"analytics run failed ({result.returncode}):\n{result.stderr}", pytrace=False)
    reference = [
        Crossing(c.line, c.direction, c.frame - first + 1, c.class_name)
        for c in read_crossings(FIXTURE / "crossings.csv")
        if first <= c.frame <= last
    ]
    assert len(reference) == crossings
    scores = score_counts(read_counted(out / "events.jsonl"), reference, tolerance_frames=30)
    extra = sum(n for (theirs, _), n in scores.confusion.items() if theirs == "extra")
    missed = sum(n for (_, ours), n in scores.confusion.items() if ours == "missed")
    assert extra == 0 and missed == 0, scores.summary()
