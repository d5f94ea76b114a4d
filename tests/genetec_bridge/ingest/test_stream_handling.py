"""Pacing, stream URLs, redaction and frame preparation, without a stream."""

import numpy as np
import pytest

from genetec_bridge.config.site import MediaGatewayConfig
from genetec_bridge.ingest.pacing import Pacer
from genetec_bridge.ingest.preprocess import downscale, prepare_image
from genetec_bridge.ingest.rtsp_url import camera_url
from genetec_bridge.redaction import redact_credentials

GUID = "00000001-0000-babe-0000-00408ca1eb95"


def passed(pacer: Pacer, times: list[float]) -> list[float]:
    return [t for t in times if pacer.due(t)]


def test_pacing_keeps_the_analysis_rate_of_a_faster_stream() -> None:
    seven_fps = [i / 7 for i in range(70)]  # 10 s
    kept = passed(Pacer(5), seven_fps)
    assert len(kept) == 50
    assert kept[0] == 0.0


def test_pacing_passes_every_frame_of_a_slower_stream() -> None:
    assert len(passed(Pacer(10), [i / 7 for i in range(70)])) == 70


def test_pacing_does_not_burst_after_a_gap() -> None:
    pacer = Pacer(5)
    passed(pacer, [i / 10 for i in range(10)])
    # 30 s of silence, then a burst of frames buffered by the reconnection: one passes, not 150.
    assert passed(pacer, [30.0, 30.01, 30.02, 30.03]) == [30.0]


def gateway(**fields: object) -> MediaGatewayConfig:
    return MediaGatewayConfig.model_validate({"host": "gw.city.local", **fields})


def test_url_without_credentials() -> None:
    assert camera_url(gateway(), GUID) == f"rtsp://gw.city.local:654/{GUID}/live"
    assert camera_url(gateway(port=8554, stream="lowres"), GUID, "highres").endswith(f":8554/{GUID}/highres")


def test_url_quotes_credentials_and_redacts_them() -> None:
    url = camera_url(gateway(username="ops user", password="p@ss:w/rd"), GUID)
    assert url == f"rtsp://ops%20user:p%40ss%3Aw%2Frd@gw.city.local:654/{GUID}/live"
    assert redact_credentials(url) == f"rtsp://ops%20user:***@gw.city.local:654/{GUID}/live"


def test_url_tls_and_ipv6() -> None:
    assert camera_url(gateway(host="fd00::10", tls=True), GUID).startswith("rtsps://[fd00::10]:654/")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cannot open rtsp://u:pw@h:654/x/live now", "cannot open rtsp://u:***@h:654/x/live now"),
        ("rtsp://h:654/x/live", "rtsp://h:654/x/live"),
        ("https://a:b@web/sdk and rtsps://c:d@gw/", "https://a:***@web/sdk and rtsps://c:***@gw/"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact_credentials(text) == expected


def test_downscale_keeps_aspect_and_never_upscales() -> None:
    image = np.zeros((1080, 1920, 3), np.uint8)
    assert downscale(image, 960).shape == (540, 960, 3)
    assert downscale(image, 3840) is image


def test_masks_are_blanked_after_downscaling() -> None:
    image = np.full((576, 768, 3), 200, np.uint8)
    out = prepare_image(image, 384, [[(0.5, 0.5), (1.0, 0.5), (1.0, 1.0), (0.5, 1.0)]])
    assert out.shape == (288, 384, 3)
    assert out[145:, 193:].max() == 0
    assert out[:143].min() == 200 and out[:, :191].min() == 200
