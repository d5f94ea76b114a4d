from pathlib import Path

import cv2
import numpy as np

from analytics.config_file import load_analytics_site
from analytics.detection import Detector
from analytics.evaluation.mot_metrics import evaluate_mot
from analytics.evaluation.motchallenge import read_mot
from analytics.offline_run import run_video
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


def test_run_command_reports_an_unknown_camera(shared_asset, tmp_path: Path, capsys) -> None:
    video = _blank_video(tmp_path / "blank.avi", 2, header_fps=10)
    argv = ["run", str(video), "--config", str(TRACKS_ONLY), "--camera", "nope", "--out", str(tmp_path)]
    assert run_command("analytics.commands.run", [*argv, "--device", "cpu", "--quiet"]) == 2
    assert "no camera 'nope'" in capsys.readouterr().err


def test_full_pets_clip_meets_the_tracking_targets(shared_asset, tmp_path: Path, capsys) -> None:
    """The whole PETS09-S2L1 clip at its true 7 fps through detector → tracker, scored against the
    ground truth with the far footpath (foot above y = 150 px, not annotated) ignored."""
    site = load_analytics_site(TRACKS_ONLY)
    detector = Detector(shared_asset("models/yolox_nano.onnx"), device="cpu")
    summary = run_video(
        shared_asset("data/pets09-s2l1/vtest.avi"),
        site.cameras[0],
        {},
        detector,
        tmp_path,
        fps=7,
        progress=False,
    )
    assert summary.frames == 795
    gt = read_mot(shared_asset("data/pets09-s2l1/gt/gt.txt"), ground_truth=True, min_foot_y=150)
    scores = evaluate_mot(gt, read_mot(tmp_path / "tracks.txt", min_foot_y=150))
    assert scores.mota >= 0.80, scores.summary()
    assert scores.idf1 >= 0.70, scores.summary()
    assert (
        run_command(
            "analytics.commands.evaluate",
            [
                "eval",
                str(tmp_path),
                "--gt",
                str(shared_asset("data/pets09-s2l1/gt/gt.txt")),
                "--min-foot-y",
                "150",
            ],
        )
        == 0
    )
    assert f"MOTA {scores.mota:.3f}  IDF1 {scores.idf1:.3f}" in capsys.readouterr().out
