import numpy as np
import pytest

from analytics.detection.yolox_decode import YoloxDecoder, grid_rows

INPUT = (416, 416)


def _empty_output() -> np.ndarray:
    rows = np.zeros((grid_rows(INPUT), 85), dtype=np.float32)
    rows[:, 2:4] = 0.0  # size exp(0) × stride
    return rows


def _row(stride: int, cell_x: int, cell_y: int) -> int:
    """Index of a cell's row: strides 8, 16, 32 in order, row-major within a stride."""
    offset = 0
    for s in (8, 16, 32):
        if s == stride:
            return offset + cell_y * (INPUT[1] // s) + cell_x
        offset += (INPUT[0] // s) * (INPUT[1] // s)
    raise ValueError(stride)


def test_grid_rows_of_yolox_nano() -> None:
    assert grid_rows(INPUT) == 3549


def test_decodes_a_known_box_on_each_stride() -> None:
    rows = _empty_output()
    # stride 16, cell (10, 5), offset (0.5, 0.25), size exp(ln 4) × 16 = 64 wide, exp(ln 2) × 16 = 32 high
    r = _row(16, 10, 5)
    rows[r, :4] = [0.5, 0.25, np.log(4), np.log(2)]
    rows[r, 4] = 0.9
    rows[r, 5 + 2] = 0.8  # car
    # stride 32, last cell (12, 12), person
    r32 = _row(32, 12, 12)
    rows[r32, :4] = [0.0, 0.0, 0.0, 0.0]
    rows[r32, 4] = 0.5
    rows[r32, 5 + 0] = 0.9
    boxes, scores, classes = YoloxDecoder(INPUT, [0, 2], score_threshold=0.3).decode(rows)
    order = np.argsort(classes)
    np.testing.assert_allclose(boxes[order[1]], [168 - 32, 84 - 16, 168 + 32, 84 + 16], atol=1e-4)
    np.testing.assert_allclose(boxes[order[0]], [384 - 16, 384 - 16, 384 + 16, 384 + 16], atol=1e-4)
    np.testing.assert_allclose(scores[order], [0.45, 0.72], atol=1e-6)
    assert list(classes[order]) == [0, 2]


def test_drops_low_scores_and_unwanted_classes() -> None:
    rows = _empty_output()
    rows[_row(8, 1, 1), 4:] = 0
    rows[_row(8, 1, 1), 4] = 0.9
    rows[_row(8, 1, 1), 5 + 14] = 0.95  # bird: not a class the skills use
    rows[_row(8, 2, 2), 4] = 0.4
    rows[_row(8, 2, 2), 5 + 0] = 0.4  # person at 0.16 < threshold
    boxes, scores, classes = YoloxDecoder(INPUT, [0, 1, 2, 3, 5, 7], score_threshold=0.2).decode(rows)
    assert len(boxes) == len(scores) == len(classes) == 0


@pytest.mark.parametrize("wanted", [[2, 7], [7, 2]])
def test_best_wanted_class_wins(wanted: list[int]) -> None:
    rows = _empty_output()
    r = _row(8, 3, 3)
    rows[r, 4] = 1.0
    rows[r, 5 + 2] = 0.6
    rows[r, 5 + 7] = 0.7
    _, scores, classes = YoloxDecoder(INPUT, wanted, score_threshold=0.1).decode(rows)
    assert list(classes) == [7]
    assert scores[0] == pytest.approx(0.7)
