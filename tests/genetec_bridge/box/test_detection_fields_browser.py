"""The camera form's detection tiles and analysed region in real headless Chromium: labelled in English
and French, saved into [cameras.detection] as the analytics read it, a bad region refused beside its
field. Against the box on the example site file."""

import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from analytics.config.loader import load_analytics_site
from analytics.detection.tiling import Tiling
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in

pytestmark = pytest.mark.integration

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"


def test_tiles_and_region_are_set_in_the_camera_form_and_reach_the_file(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    with box_in_background(path) as (url, _bridge):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        log_in(page, url, "ines")
        page.goto(f"{url}/cameras/{CAMERA}")
        expect(page.locator("label[for=camera-tiles]")).to_contain_text("Detection tiles")
        expect(page.locator("label[for=camera-region]")).to_have_text("Analysed region of the picture")
        expect(page.locator("#camera-tiles")).to_have_value("1")

        page.select_option("#camera-tiles", "2")
        page.fill("#camera-region", "0, 1.4, 1, 1")
        page.locator("#camera-region").press("Tab")
        page.click("[data-action=save]")
        refusal = page.locator('[data-key="detection.region"]')
        expect(refusal).to_contain_text("top < bottom")
        assert all("detection" not in c for c in tomllib.loads(path.read_text())["cameras"])

        page.fill("#camera-region", "0 0.4 1 1")
        page.locator("#camera-region").press("Tab")
        page.click("[data-action=save]")
        expect(page.locator("#status")).to_contain_text("Saved as version")
        camera = load_analytics_site(path).camera(CAMERA)
        assert camera.detection.tiling() == Tiling(2, (0.0, 0.4, 1.0, 1.0))

        page.goto(f"{url}/lang/fr")
        page.goto(f"{url}/cameras/{CAMERA}")
        expect(page.locator("label[for=camera-tiles]")).to_contain_text("Tuiles de détection")
        expect(page.locator("label[for=camera-region]")).to_have_text("Partie de l'image analysée")
        expect(page.locator("#camera-tiles")).to_have_value("2")
        expect(page.locator("#camera-region")).to_have_value("0, 0.4, 1, 1")
        page.close()
