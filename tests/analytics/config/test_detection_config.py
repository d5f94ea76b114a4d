"""[cameras.detection] in the integrator's file: tiles and region read as typed, refused naming the key."""

from pathlib import Path

import pytest

from analytics.config.loader import ConfigError, load_analytics_site
from analytics.detection.tiling import Tiling


def site(tmp_path: Path, detection: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(
        '[[cameras]]\nid = "0a000000-0000-4e75-0000-000000000001"\n\n[cameras.detection]\n' + detection
    )
    return path


def test_tiles_and_region_become_the_cameras_tiling(tmp_path: Path) -> None:
    camera = load_analytics_site(site(tmp_path, "tiles = 3\nregion = [0, 0.4, 1, 1]\n")).cameras[0]
    assert camera.detection.tiling() == Tiling(3, (0.0, 0.4, 1.0, 1.0))


def test_without_the_table_the_whole_frame_is_detected_in_one_piece(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('[[cameras]]\nid = "0a000000-0000-4e75-0000-000000000001"\n')
    assert load_analytics_site(path).cameras[0].detection.tiling() == Tiling(1, (0.0, 0.0, 1.0, 1.0))


@pytest.mark.parametrize(
    ("detection", "key", "complaint"),
    [
        ("tiles = 4\n", "cameras[0].detection.tiles (line 5)", "1, 2 or 3"),
        ("tiles = 0\n", "cameras[0].detection.tiles (line 5)", "1, 2 or 3"),
        ('tiles = "2"\n', "cameras[0].detection.tiles (line 5)", "1, 2 or 3"),
        ("region = [0.6, 0, 0.4, 1]\n", "cameras[0].detection.region (line 5)", "left < right"),
        ("region = [0, 0, 1, 1.5]\n", "cameras[0].detection.region (line 5)", "top < bottom <= 1"),
        ("region = [0, 0.5, 1, 0.52]\n", "cameras[0].detection.region (line 5)", "under 0.05 of the picture"),
        ("region = [0, 0, 1]\n", "cameras[0].detection.region (line 5)", "at least 4 items"),
        ("tile = 2\n", "cameras[0].detection.tile (line 5)", "unknown key"),
    ],
)
def test_bad_values_are_refused_naming_the_key(
    tmp_path: Path, detection: str, key: str, complaint: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_analytics_site(site(tmp_path, detection))
    assert key in str(refused.value) and complaint in str(refused.value), str(refused.value)
