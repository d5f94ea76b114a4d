"""The editor's ground check: a synthetic camera with a known homography (20 pixels per metre
everywhere, on a 1000-pixel picture) gives its grid lines exactly where the homography puts them and
20.0 pixels per metre across its counting line; the urban clip's calibration gives 3.6 across
count_y150 (the figure its file states), below the threshold, over the box's API; a camera without
calibration, or a bad step, is answered 422 naming the key. In Chromium, the editor's toggle draws the
grid and shows the warning."""

import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from analytics.config.ground import GroundCalibration
from analytics.skills.vehicle_size import PL_MIN_LENGTH_M, VL_MAX_LENGTH_M
from genetec_bridge.box.ground_grid import MIN_PIXELS_PER_METRE, grid, resolutions
from tests.support.box_site import PASSWORDS, box_in_background, running_box, session, write_box_site
from tests.support.browser import shot

CAMERA_2 = "00000002-0000-babe-0000-00408ca1eb96"  # the example's camera with a counting line
URBAN = Path(__file__).parents[3] / "fixtures/traffic-urban/urban-320x240.toml"
# Ground (x, y) metres -> picture pixels (100 + 20 x, 900 - 20 y) on a 1000 x 1000 picture.
SYNTHETIC = GroundCalibration.model_validate(
    {
        "image_size": [1000, 1000],
        "points": [
            {"image": [0.1, 0.9], "ground": [0, 0]},
            {"image": [0.3, 0.9], "ground": [10, 0]},
            {"image": [0.3, 0.7], "ground": [10, 10]},
            {"image": [0.1, 0.7], "ground": [0, 10]},
        ],
    }
)


def test_the_threshold_is_half_the_band_between_vl_and_pl_in_four_pixels() -> None:
    assert MIN_PIXELS_PER_METRE == 4.0 / ((PL_MIN_LENGTH_M - VL_MAX_LENGTH_M) / 2) == 4.0


def test_a_known_homography_gives_its_grid_and_its_pixels_per_metre_exactly() -> None:
    lines = grid(SYNTHETIC, 5.0)
    ends = sorted((line[0], line[-1]) for line in lines)
    # x = -5, 0, 5, 10, 15 m (one step beyond the marked points) for y from -5 to 15 m; and across.
    vertical = [((u, 1.0), (u, 0.6)) for u in (0.0, 0.1, 0.2, 0.3, 0.4)]
    horizontal = [((0.0, v), (0.4, v)) for v in (1.0, 0.9, 0.8, 0.7, 0.6)]
    assert ends == sorted(vertical + horizontal)
    assert all(len(line) == 65 for line in lines)
    (found,) = resolutions(SYNTHETIC, {"count": ((0.1, 0.8), (0.3, 0.8))})
    assert (found.line, found.pixels_per_metre, found.enough) == ("count", 20.0, True)
    with pytest.raises(ValueError, match=r"^step_m: one of 1, 5"):
        grid(SYNTHETIC, 2.0)


@pytest.mark.integration
async def test_the_editor_api_checks_the_urban_calibration_and_names_bad_keys(tmp_path: Path) -> None:
    (camera,) = tomllib.loads(URBAN.read_text())["cameras"]
    async with running_box(write_box_site(tmp_path)) as (server, _):
        client, csrf = await session(server.url.rstrip("/"), "victor")
        headers = {"X-CSRF-Token": csrf}
        url = f"/api/cameras/{camera['id']}/ground-grid"
        answer = await client.post(url, json={"camera": camera, "step_m": 1}, headers=headers)
        assert answer.status_code == 200, answer.text
        checked = answer.json()
        assert checked["lines"] == [{"line": "count_y150", "pixels_per_metre": 3.6, "enough": False}]
        assert checked["min_pixels_per_metre"] == 4.0 and len(checked["grid"]) > 10
        for body, key in (
            ({"camera": {**camera, "ground": None}}, "ground: this camera has no ground calibration"),
            ({"camera": camera, "step_m": 2}, "step_m: one of 1, 5"),
            ({"camera": camera, "step_m": "five"}, "step_m: a number of metres"),
            ({"camera": {**camera, "ground": {"image_size": [320, 240]}}}, "ground: "),
        ):
            refused = await client.post(url, json=body, headers=headers)
            assert refused.status_code == 422 and refused.json()["error"].startswith(key), refused.text
        await client.aclose()


@pytest.mark.integration
def test_the_editor_draws_the_grid_and_warns_below_the_threshold(tmp_path: Path, browser: Browser) -> None:
    """The example's camera 2 given the urban clip's calibration: the toggle draws the 5 m grid, then the
    1 m one (more lines), says 2.4 pixels per metre across its counting line (higher on the picture than
    the clip's) with the warning, and
    hides the grid when pressed again."""
    path = write_box_site(tmp_path)
    (camera,) = tomllib.loads(URBAN.read_text())["cameras"]
    ground = camera["ground"]
    points = ", ".join(f"{{ image = {p['image']}, ground = {p['ground']} }}" for p in ground["points"])
    path.write_text(
        path.read_text() + f"\n[cameras.ground]\nimage_size = {ground['image_size']}\npoints = [{points}]\n"
    )
    with box_in_background(path) as (url, _):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{url}/login")
        page.fill("#user", "victor")
        page.fill("#password", PASSWORDS["victor"])
        page.click("button[type=submit]")
        page.goto(f"{url}/cameras/{CAMERA_2}")
        expect(page.locator("#shape-list li").first).to_be_visible()
        page.click("[data-action=ground-grid]")
        expect(page.locator("#ground-check li")).to_have_text(
            "Northbound count: 2.4 pixels per metre across the line"
            " (below 4: lengths, and so PL or VL, are not trusted here)"
        )
        coarse = page.locator("#ground-grid polyline").count()
        assert coarse > 4
        page.select_option("#ground-step", "1")
        page.click("[data-action=ground-grid]")
        expect(page.locator("#ground-grid")).to_have_attribute("data-step", "1")
        assert page.locator("#ground-grid polyline").count() > coarse
        shot(page, "editor-ground-grid")
        page.click("[data-action=ground-grid]")
        expect(page.locator("#ground-grid polyline")).to_have_count(0)
        expect(page.locator("[data-action=ground-grid]")).to_have_attribute("aria-pressed", "false")
        page.close()
