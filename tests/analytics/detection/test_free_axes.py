"""The prepared copy of the detector model: free batch and size, the same detections."""

import cv2
import numpy as np

from analytics.detection import Detector
from analytics.detection.free_axes import write_free_axes_copy
from analytics.detection.inference import OnnxRuntimeBackend
from analytics.detection.letterbox import Letterbox
from analytics.evaluation.mot_metrics import iou_matrix
from tests.support.single_command import run_command


def _pets_frames(path, count: int, step: int = 1) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = [capture.read()[1] for _ in range(count * step)][::step]
    capture.release()
    assert all(f is not None for f in frames), "PETS clip too short"
    return frames


def test_a_batch_through_the_copy_gives_what_the_original_gives_frame_by_frame(shared_asset, tmp_path):
    original = shared_asset("models/yolox_nano.onnx")
    copy = tmp_path / "free.onnx"
    assert write_free_axes_copy(original, copy) < 1e-3
    fixed, free = OnnxRuntimeBackend(original, "cpu"), OnnxRuntimeBackend(copy, "cpu")
    assert fixed.shapes().fixed_batch and not free.shapes().fixed_batch
    assert free.shapes().free_size and free.shapes().input_size == fixed.shapes().input_size == (416, 416)
    size = fixed.shapes().input_size
    frames = _pets_frames(shared_asset("data/pets09-s2l1/vtest.avi"), 4)
    blob = np.stack([Letterbox.fit(f.shape[:2], size).apply(f, size) for f in frames])
    blob = np.ascontiguousarray(blob.transpose(0, 3, 1, 2), dtype=np.float32)

    together = free.infer(blob)
    alone = np.concatenate([fixed.infer(blob[i : i + 1]) for i in range(len(blob))])
    np.testing.assert_allclose(together, alone, atol=1e-3)


def test_a_frame_padded_only_to_a_multiple_of_32_finds_what_the_square_finds(shared_asset, tmp_path):
    original = shared_asset("models/yolox_nano.onnx")
    copy = tmp_path / "free.onnx"
    write_free_axes_copy(original, copy)
    square, snug = Detector.in_process(original, "cpu"), Detector.in_process(copy, "cpu")
    # 768×576 PETS frames scale to 416×312: the copy is given 416×320 instead of 416×416.
    frames = _pets_frames(shared_asset("data/pets09-s2l1/vtest.avi"), 8, step=90)
    found = 0
    for wide, narrow in zip(square.detect(frames), snug.detect(frames), strict=True):
        wide, narrow = wide[wide.confidence >= 0.5], narrow[narrow.confidence >= 0.5]
        assert len(wide) == len(narrow), "the snug input found another number of people"
        if len(wide):
            assert iou_matrix(wide.xyxy, narrow.xyxy).max(axis=1).min() >= 0.8
        found += len(wide)
    assert found > 20, "too few people in the frames to compare"


def test_prepare_model_refuses_a_file_that_is_no_model(tmp_path, capsys):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    assert (
        run_command(
            "analytics.commands.prepare_model", ["prepare-model", str(junk), str(tmp_path / "out.onnx")]
        )
        == 2
    )
    assert "cannot prepare the model" in capsys.readouterr().err
    assert not (tmp_path / "out.onnx").exists()
