import logging
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from analytics.assets import MissingAssetError, asset
from analytics.detection import Detector, ModelError
from analytics.evaluation.mot_metrics import iou_matrix
from analytics.evaluation.motchallenge import read_mot
from tests.support.onnx_models import write_model
from tests.support.single_command import run_command

IMAGES = {"images": [1, 3, 416, 416]}


@pytest.fixture(scope="module")
def pets_frames() -> list[tuple[int, np.ndarray]]:
    """Every 50th frame of the PETS clip, 1-based, as decoded."""
    try:
        video = asset("data/pets09-s2l1/vtest.avi")
    except MissingAssetError as error:
        pytest.fail(str(error), pytrace=False)
    capture = cv2.VideoCapture(str(video))
    frames = []
    index = 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        index += 1
        if index % 50 == 1:
            frames.append((index, image))
    capture.release()
    return frames


@pytest.mark.parametrize(
    ("inputs", "outputs", "complaint"),
    [
        (IMAGES, {"output": [1, 3, 416, 416]}, r"output must be \[batch, 3549, 5 \+ classes\]"),
        (IMAGES, {"output": [1, 3549, 6]}, "at least 13 columns"),
        (
            {"images": [1, 416, 416, 3]},
            {"output": [1, 3549, 85]},
            r"input must be \[batch, 3, height, width\]",
        ),
        ({"images": [1, 3, 410, 410]}, {"output": [1, 3549, 85]}, "multiples of 32"),
        ({"images": [4, 3, 416, 416]}, {"output": [4, 3549, 85]}, "batch must be 1 or dynamic"),
        (IMAGES, {"output": [1, 3549, 85], "extra": [1, 3, 416, 416]}, "one input and one output"),
    ],
)
def test_model_with_unexpected_shapes_is_refused(tmp_path: Path, inputs, outputs, complaint) -> None:
    model = write_model(tmp_path / "wrong.onnx", inputs, outputs)
    with pytest.raises(ModelError, match=complaint):
        Detector.in_process(model, device="cpu")


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_text("not a model")
    with pytest.raises(ModelError, match="not a loadable ONNX model"):
        Detector.in_process(path, device="cpu")
    with pytest.raises(ModelError, match="no model file"):
        Detector.in_process(tmp_path / "missing.onnx", device="cpu")


def test_check_model_prints_shapes(shared_asset: Callable[[str], Path], capsys) -> None:
    model = shared_asset("models/yolox_nano.onnx")
    assert run_command("analytics.commands.check_model", ["check-model", str(model)]) == 0
    out = capsys.readouterr().out
    assert "input images [1, 3, 416, 416], output [1, 3549, 85], batch fixed at 1" in out


def test_check_model_exits_2_on_a_wrong_model(tmp_path: Path, capsys) -> None:
    model = write_model(tmp_path / "wrong.onnx", IMAGES, {"output": [1, 3549, 4]})
    assert run_command("analytics.commands.check_model", ["check-model", str(model)]) == 2
    assert "unusable detector model" in capsys.readouterr().err


def test_says_in_one_line_where_it_runs(shared_asset: Callable[[str], Path], caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="analytics.detection"):
        Detector.in_process(shared_asset("models/yolox_nano.onnx"), device="auto")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("analytics.detection")]
    assert len(lines) == 1
    assert "running on" in lines[0]


def test_batch_of_several_cameras_equals_single_calls(shared_asset, pets_frames) -> None:
    detector = Detector.in_process(shared_asset("models/yolox_nano.onnx"), device="cpu")
    small = cv2.resize(pets_frames[1][1], (384, 288))  # another camera, another resolution
    batch = detector.detect([pets_frames[0][1], small])
    singles = [detector.detect([pets_frames[0][1]])[0], detector.detect([small])[0]]
    for together, alone in zip(batch, singles, strict=True):
        np.testing.assert_allclose(together.xyxy, alone.xyxy, atol=1e-3)
        np.testing.assert_array_equal(together.class_id, alone.class_id)
    assert batch[1].xyxy[:, 2].max() <= 384
    assert detector.detect([]) == []


def test_finds_the_annotated_people_of_pets(shared_asset, pets_frames) -> None:
    """Recall of person detections (score ≥ 0.3, IoU ≥ 0.5) on 16 real frames, near footpath only."""
    detector = Detector.in_process(shared_asset("models/yolox_nano.onnx"), device="cpu")
    gt = read_mot(shared_asset("data/pets09-s2l1/gt/gt.txt"), ground_truth=True, min_foot_y=150)
    found = total = 0
    for index, image in pets_frames:
        detections = detector.detect([image])[0]
        people = detections[(detections.class_id == 0) & (detections.confidence >= 0.3)]
        truth = gt.get(index)
        if truth is None:
            continue
        xywh = np.c_[people.xyxy[:, :2], people.xyxy[:, 2:] - people.xyxy[:, :2]]
        iou = iou_matrix(truth.boxes, xywh)
        found += int((iou.max(axis=1, initial=0) >= 0.5).sum())
        total += len(truth.ids)
    assert total > 60
    assert found / total >= 0.85
