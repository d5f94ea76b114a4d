"""The demo's site file: valid, with the urban road camera counting on a line of its own."""

from analytics.skills.counting import CountingConfig
from genetec_bridge.config.site import load_site_config
from genetec_bridge.lab.demo import CAMERA_ID, URBAN_CAMERA_ID, WEBSDK_PASSWORD_ENV, write_site


def test_the_demo_site_counts_on_the_urban_camera_into_its_own_store(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(WEBSDK_PASSWORD_ENV, "demo-password")

    site = load_site_config(write_site(tmp_path, "http://127.0.0.1:4590/WebSdk", 8554, 8088, "rtsp-secret"))

    assert [camera.id for camera in site.cameras] == [CAMERA_ID, URBAN_CAMERA_ID]
    (counting,) = [s for s in site.camera(URBAN_CAMERA_ID).skills if isinstance(s, CountingConfig)]
    assert site.camera(URBAN_CAMERA_ID).line(counting.line).name == "Road section"
    assert site.counting.store_path == tmp_path / "statistics.sqlite3"
