"""A camera read from its own Media Gateway role: that role's address, the site's RTSP user and scheme;
the site's RTSP credentials go to declared roles only (an undeclared host is refused at load, by key)."""

import pytest

from analytics.config.loader import ConfigError
from genetec_bridge.config.site import load_site_config
from genetec_bridge.config.summary import describe_site
from genetec_bridge.ingest.reader import site_readers
from tests.support.site_config_files import PASSWORD_ENV, edited, example_text, write_site

COMMENTED = '# media_gateway = { host = "sc-media-2.city.local", port = 654 }'
OVERRIDE = 'media_gateway = { host = "sc-media-2.city.local", port = 8654 }'
DECLARATION = '# other_roles = [{ host = "sc-media-2.city.local" }]'
DECLARED = 'other_roles = [{ host = "sc-media-2.city.local" }]'
CAMERA_1 = "00000001-0000-babe-0000-00408ca1eb95"
CAMERA_2 = "00000002-0000-babe-0000-00408ca1eb96"


@pytest.fixture(autouse=True)
def _password_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")


def test_a_camera_is_read_from_its_own_gateway_with_the_site_credentials(tmp_path) -> None:
    text = edited(edited(example_text(), COMMENTED, OVERRIDE), DECLARATION, DECLARED)
    config = load_site_config(write_site(tmp_path, text))

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


def test_an_undeclared_gateway_host_is_refused_at_load_naming_the_key(tmp_path) -> None:
    text = edited(example_text(), COMMENTED, 'media_gateway = { host = "attacker.example", port = 554 }')

    with pytest.raises(ConfigError) as refused:
        load_site_config(write_site(tmp_path, text))

    problems = {problem.key: problem.message for problem in refused.value.problems}
    assert "not a Media Gateway role of this site" in problems["cameras[1].media_gateway.host"]
    assert "analytics-rtsp" not in str(refused.value)


def test_a_declared_role_with_its_own_credentials_gets_those_not_the_site_s(tmp_path) -> None:
    own = (
        'other_roles = [{ host = "sc-media-2.city.local", username = "role-2", password = "role-2-secret" }]'
    )
    text = edited(edited(example_text(), COMMENTED, OVERRIDE), DECLARATION, own)
    config = load_site_config(write_site(tmp_path, text))

    gateway = config.gateway_for(config.cameras[1])

    assert (gateway.host, gateway.port, gateway.username) == ("sc-media-2.city.local", 8654, "role-2")
    assert gateway.password is not None and gateway.password.get_secret_value() == "role-2-secret"
    site_password = config.media_gateway.password
    assert site_password is not None and site_password.get_secret_value() != "role-2-secret"
