"""A camera read from its own Media Gateway role: that role's address, the site's RTSP user and scheme."""

import pytest

from genetec_bridge.config.site import load_site_config
from genetec_bridge.config.summary import describe_site
from genetec_bridge.ingest.reader import site_readers
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

COMMENTED = '# media_gateway = { host = "sc-media-2.city.local", port = 654 }'
OVERRIDE = 'media_gateway = { host = "sc-media-2.city.local", port = 8654 }'
CAMERA_1 = "00000001-0000-babe-0000-00408ca1eb95"
CAMERA_2 = "00000002-0000-babe-0000-00408ca1eb96"


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def test_a_camera_is_read_from_its_own_gateway_with_the_site_credentials(tmp_path) -> None:
    config = load_site_config(write_site(tmp_path, edited(example_text(), COMMENTED, OVERRIDE)))

    readers = site_readers(config, lambda frame: None)

    assert [r.redacted_url for r in readers] == [
        f"rtsp://analytics-rtsp:***@sc-media.city.local:654/{CAMERA_1}/live",
        f"rtsp://analytics-rtsp:***@sc-media-2.city.local:8654/{CAMERA_2}/highres",
    ]
    summary = describe_site(config)
    assert any(
        f"[{CAMERA_2}]: 10 fps, stream highres, Media Gateway sc-media-2.city.local:8654" in s
        for s in summary
    )
    assert not any(f"[{CAMERA_1}]" in s and "Media Gateway" in s for s in summary)
