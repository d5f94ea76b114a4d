"""The dynamic-batch copy of the detector model: one call per batch, the same detections."""

import cv2
import numpy as np

from analytics.detection import Detector
from analytics.detection.dynamic_batch import write_dynamic_batch_copy
from tests.support.single_command import run_command


def _pets_frames(path, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = [capture.read()[1] for _ in range(count)]
    capture.release()
    assert all(f is not None for f in frames), "PETS clip too short"
    return frames


def test_a_batch_through_the_copy_finds_what_the_original_finds_frame_by_frame(shared_asset, tmp_path):
    original = shared_asset("models/yolox_nano.onnx")
    copy = tmp_path / "dynamic.onnx"
    assert write_dynamic_batch_copy(original, copy) < 1e-3
    fixed, dynamic = Detector.in_process(original, "cpu"), Detector.in_process(copy, "cpu")
    assert fixed.shapes.fixed_batch and not dynamic.shapes.fixed_batch
    frames = _pets_frames(shared_asset("data/pets09-s2l1/vtest.avi"), 4)

    together = dynamic.detect(frames)
    for frame, found in zip(frames, together, strict=True):
        (alone,) = fixed.detect([frame])
        assert len(found) == len(alone) > 0
        np.testing.assert_allclose(found.xyxy, alone.xyxy, atol=0.05)
        np.testing.assert_array_equal(found.class_id, alone.class_id)


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
