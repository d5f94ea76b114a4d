import json
from pathlib import Path

import cv2
import numpy as np

from tests.support.single_command import run_command

TRACKS_ONLY = Path(__file__).resolve().parents[2] / "fixtures" / "tracks-only.toml"


def _blank_video(path: Path, frames: int, header_fps: float) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), header_fps, (64, 48))
    for _ in range(frames):
        writer.write(np.full((48, 64, 3), 90, dtype=np.uint8))
    writer.release()
    return path


def test_run_command_writes_its_files(shared_asset, tmp_path: Path, capsys) -> None:
    video = _blank_video(tmp_path / "blank.avi", 6, header_fps=10)
    argv = ["run", str(video), "--config", str(TRACKS_ONLY), "--fps", "7", "--out", str(tmp_path / "out")]
    argv += ["--model", str(shared_asset("models/yolox_nano.onnx")), "--device", "cpu", "--quiet"]
    assert run_command("analytics.commands.run", argv) == 0
    assert "6 frames at 7 fps: 0 tracks, 0 events" in capsys.readouterr().out
    assert (tmp_path / "out" / "tracks.txt").read_text() == ""
    assert (tmp_path / "out" / "events.jsonl").read_text() == ""
    assert not (tmp_path / "out" / "counts.csv").exists()
    run_info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run_info == {"video": "blank.avi", "fps": 7.0, "frames": 6, "width": 64, "height": 48}


def test_run_command_reports_an_unknown_camera(shared_asset, tmp_path: Path, capsys) -> None:
    video = _blank_video(tmp_path / "blank.avi", 2, header_fps=10)
    argv = ["run", str(video), "--config", str(TRACKS_ONLY), "--camera", "nope", "--out", str(tmp_path)]
    assert run_command("analytics.commands.run", [*argv, "--device", "cpu", "--quiet"]) == 2
    assert "no camera 'nope'" in capsys.readouterr().err
