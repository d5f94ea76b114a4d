"""Apply without restart: the running bridge takes the new cameras and schedules; only the changed
cameras are touched, and a reader is replaced only when where or how fast it reads changed."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from analytics.config.camera import CameraConfig
from analytics.link.link_messages import FrameResult
from genetec_bridge.app import Bridge
from genetec_bridge.config.changes import changed_cameras, restart_needed
from genetec_bridge.config.site import SiteConfig, load_site_config
from tests.support.analytics_events import START, intrusion
from tests.support.box_site import write_box_site
from tests.support.site_config_files import PASSWORD_ENV

A = "00000001-0000-babe-0000-00408ca1eb95"
B = "00000002-0000-babe-0000-00408ca1eb96"


def _edited(site: SiteConfig, camera_id: str, **changes: object) -> SiteConfig:
    cameras = [
        CameraConfig.model_validate({**c.model_dump(), **changes}) if c.id == camera_id else c
        for c in site.cameras
    ]
    return site.model_copy(update={"cameras": cameras})


def _site(tmp_path: Path) -> SiteConfig:
    site = load_site_config(write_box_site(tmp_path))
    return site.model_copy(
        update={"delivery": site.delivery.model_copy(update={"outbox_path": tmp_path / "outbox.sqlite3"})}
    )


def test_changes_name_the_cameras_and_the_sections_needing_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    site = _site(tmp_path)
    assert changed_cameras(site, site) == [] and restart_needed(site, site) == []
    masks = _edited(site, B, privacy_masks=[[[0, 0], [0.1, 0], [0.1, 0.1]]])
    assert changed_cameras(site, masks) == [B]
    # A schedule change is a change of every camera whose skills use it (the example's A uses 'nights').
    nights = site.schedules["nights"].model_copy(update={"timezone": "UTC"})
    assert changed_cameras(
        site, site.model_copy(update={"schedules": {**site.schedules, "nights": nights}})
    ) == [A]
    delivery = site.model_copy(update={"delivery": site.delivery.model_copy(update={"retry_max_s": 99.0})})
    assert restart_needed(site, delivery) == ["delivery"]
    counting = next(s for s in site.camera(B).skills if s.kind == "counting")
    faster_counts = counting.model_copy(update={"interval_s": 60.0})
    recount = _edited(site, B, skills=[faster_counts if s is counting else s for s in site.camera(B).skills])
    # Counting goes to the statistics store through the bridge's live tally: no restart needed.
    assert changed_cameras(site, recount) == [B] and restart_needed(site, recount) == []


async def test_apply_touches_only_the_changed_cameras(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    site = _site(tmp_path)
    bridge = Bridge(site)
    readers = {reader.camera.id: reader for reader in bridge._readers}
    mask = [[[0.0, 0.0], [0.2, 0.0], [0.2, 0.2]]]
    changed = await bridge.apply(_edited(site, A, privacy_masks=mask))
    assert changed == [A]
    now = {reader.camera.id: reader for reader in bridge._readers}
    assert now[A] is readers[A] and now[B] is readers[B]  # masks are taken by the running reader
    assert now[A].camera is bridge.site.camera(A)
    assert [[list(p) for p in m] for m in now[A].camera.privacy_masks] == mask

    faster = await bridge.apply(_edited(bridge.site, B, fps=2.0))
    assert faster == [B]
    now = {reader.camera.id: reader for reader in bridge._readers}
    assert now[A] is readers[A] and now[B] is not readers[B] and now[B].camera.fps == 2.0
    now[B].stop(timeout_s=5)  # the only reader started

    counting = next(s for s in bridge.site.camera(B).skills if s.kind == "counting")
    recount = counting.model_copy(update={"interval_s": 60.0})
    skills = [recount if s is counting else s for s in bridge.site.camera(B).skills]
    assert await bridge.apply(_edited(bridge.site, B, skills=skills)) == [B]
    assert bridge._counts._lines[B, counting.label] == (counting.line, 60.0)  # tallied per new interval


def _fountain_alert(index: int) -> FrameResult:
    """What the daemon link hands the bridge: a frame with one alert of camera A's Fountain intrusion."""
    event = intrusion(index, A).model_copy(update={"skill": "intrusion:Fountain", "zone": "Fountain"})
    return FrameResult(
        camera=A, frame=event.frame, time_s=event.time_s, captured_at=START, events=[event], inference_s=0.01
    )


def _stored_events(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT event_id FROM events ORDER BY seq")]


async def test_a_zone_switched_off_live_raises_nothing_and_back_on_raises_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    site = _site(tmp_path)
    bridge = Bridge(site)
    await bridge._on_result(_fountain_alert(1))

    fountain_off = [
        z.model_copy(update={"enabled": False}) if z.name == "Fountain" else z for z in site.camera(A).zones
    ]
    assert await bridge.apply(_edited(site, A, zones=fountain_off)) == [A]
    # The daemon is told the same camera and stops the skill; a result already in flight is not raised.
    assert "intrusion:Fountain" not in {s.label for s in bridge.site.camera(A).running_skills()}
    await bridge._on_result(_fountain_alert(2))

    assert await bridge.apply(_edited(bridge.site, A, zones=site.camera(A).zones)) == [A]
    await bridge._on_result(_fountain_alert(3))
    assert _stored_events(site.delivery.outbox_path) == [intrusion(1, A).id, intrusion(3, A).id]
