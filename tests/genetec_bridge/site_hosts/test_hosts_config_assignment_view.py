"""Cameras over several hosts: the [[hosts]] table and analysis_host checks, the balancing helper, and
the merged site view (pure parts; the real two-host site is in test_two_host_site.py)."""

from typing import Any

import pytest
from pydantic import ValidationError

from genetec_bridge.config.site import SiteConfig
from genetec_bridge.site_hosts.assignment import balance, host_loads
from genetec_bridge.site_hosts.site_view import merge


def guid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


def site(cameras: list[dict[str, Any]], hosts: list[dict[str, Any]]) -> SiteConfig:
    return SiteConfig.model_validate(
        {
            "genetec": {"url": "https://sc:4590/WebSdk", "username": "u", "password": "p"},
            "media_gateway": {"host": "mg"},
            "hosts": hosts,
            "cameras": cameras,
        }
    )


HOSTS = [
    {"name": "a", "health_url": "http://10.0.0.1:8088"},
    {"name": "b", "health_url": "http://10.0.0.2:9000", "capacity": 2.0},
]


def test_each_camera_must_name_a_known_host_when_the_site_has_hosts() -> None:
    with pytest.raises(ValidationError) as raised:
        site([{"id": guid(1)}, {"id": guid(2), "analysis_host": "c"}], HOSTS)
    text = str(raised.value)
    assert "cameras[0].analysis_host" in text and "missing" in text
    assert "cameras[1].analysis_host" in text and "no host 'c'" in text
    with pytest.raises(ValidationError, match="the site has no"):
        site([{"id": guid(1), "analysis_host": "a"}], [])
    with pytest.raises(ValidationError, match="duplicate host name 'a'"):
        site([], [HOSTS[0], HOSTS[0]])


def test_a_host_runs_its_own_cameras_on_its_health_urls_port() -> None:
    whole = site([{"id": guid(1), "analysis_host": "a"}, {"id": guid(2), "analysis_host": "b"}], HOSTS)
    b = whole.for_host("b")
    assert [c.id for c in b.cameras] == [guid(2)] and b.health.port == 9000
    with pytest.raises(KeyError, match="no host 'z'"):
        whole.for_host("z")


def test_balance_follows_load_and_capacity() -> None:
    fps = [10, 5, 5, 5, 5, 2, 2, 2]
    whole = site([{"id": guid(i), "fps": f, "analysis_host": "a"} for i, f in enumerate(fps)], HOSTS)
    placements = balance(whole)
    assert [p.camera_id for p in placements] == [c.id for c in whole.cameras]
    loads = host_loads(placements)
    assert sum(loads.values()) == sum(fps)
    # b has twice a's capacity: it carries about two thirds of 36 frames/s.
    assert loads["b"] == pytest.approx(24, abs=2) and loads["a"] == pytest.approx(12, abs=2)
    assert balance(whole) == placements  # stable


def camera_status(camera_id: str, analysed: int) -> dict[str, Any]:
    return {"camera_id": camera_id, "streaming": True, "frames_analysed": analysed}


def test_site_view_merges_hosts_and_names_what_is_wrong() -> None:
    whole = site(
        [
            {"id": guid(1), "analysis_host": "a"},
            {"id": guid(2), "analysis_host": "b"},
            {"id": guid(3), "analysis_host": "a"},
        ],
        HOSTS,
    )
    good = {
        "a": {
            "daemon": {"connected": True},
            "cameras": [camera_status(guid(1), 5), camera_status(guid(3), 7)],
        },
        "b": {"daemon": {"connected": True}, "cameras": [camera_status(guid(2), 9)]},
    }
    view = merge(whole, good)
    assert view.problems == []
    assert [(c.camera_id, c.reported_by, c.frames_analysed) for c in view.cameras] == [
        (guid(1), ["a"], 5),
        (guid(2), ["b"], 9),
        (guid(3), ["a"], 7),
    ]
    broken = {
        "a": {"cameras": [camera_status(guid(1), 5), camera_status(guid(2), 1)]},
        "b": "ConnectError: connection refused",
    }
    problems = merge(whole, broken).problems
    assert any("host b unreachable" in p for p in problems)
    assert any(guid(2) in p and "reported by ['a']" in p for p in problems)
    assert any(guid(3) in p and "not reported by its host a" in p for p in problems)
