"""Health at 90 cameras answers from the background snapshot: a running bridge with 270 alerting skills,
each with its promotion gate closed (the costly case: the gate's bisection over beta quantiles), is
probed over a real socket; requests compute no trust figure, a verdict recomputes its own skill's
figures only, and a new alert changes a count without any statistics."""

import asyncio
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from analytics.events import AnalyticsEvent, Evidence
from genetec_bridge.app import Bridge
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.trust import figures
from genetec_bridge.trust.store import Judgement, TrustStore
from genetec_bridge.trust.verdicts import FalseReason, Verdict, VerdictRecord

CAMERAS = 90
SKILLS = (("loitering", "Parvis", 5000), ("intrusion", "Parvis", 5001), ("intrusion", "Porch", 5002))
SQUARE = [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]
REQUESTS = 30
SNAPSHOT_WAIT_S = 60.0  # a bound that fails the test instead of hanging it, not a timing assertion


def _camera_id(n: int) -> str:
    return f"{n:08d}-0000-babe-0000-00408ca1eb95"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ninety_cameras(directory: Path) -> SiteConfig:
    skills = [
        {"kind": kind, "zone": zone, "min_dwell_s": 20, "alert": {"custom_event_id": event_id}}
        if kind == "loitering"
        else {"kind": kind, "zone": zone, "alert": {"custom_event_id": event_id}}
        for kind, zone, event_id in SKILLS
    ]
    return SiteConfig.model_validate(
        {
            # Nothing answers on these ports: the bridge runs degraded, which is what health must show.
            "genetec": {
                "url": f"http://127.0.0.1:{_free_port()}/WebSdk",
                "username": "bridge",
                "password": "not-used",
                "allow_plain_http": True,
            },
            "media_gateway": {"host": "127.0.0.1", "port": _free_port()},
            "daemon": {"managed": False, "socket_path": str(directory / "analytics.sock")},
            "health": {"port": _free_port()},
            "audit": {"path": str(directory / "audit.jsonl")},
            "trust": {"store_path": str(directory / "trust.sqlite3")},
            "delivery": {"outbox_path": str(directory / "outbox.sqlite3")},
            "counting": {"store_path": str(directory / "statistics.sqlite3")},
            "cameras": [
                {
                    "id": _camera_id(n),
                    "name": f"Camera {n}",
                    "zones": [{"name": "Parvis", "polygon": SQUARE}, {"name": "Porch", "polygon": SQUARE}],
                    "skills": skills,
                }
                for n in range(CAMERAS)
            ],
        }
    )


def _alert(camera: str, skill: str, index: int) -> AnalyticsEvent:
    kind = skill.split(":")[0]
    return AnalyticsEvent(
        id=f"{camera}-{skill}-{index}",
        kind=kind,
        skill=skill,
        phase="start" if kind == "loitering" else "instant",
        camera=camera,
        zone=skill.split(":")[1],
        class_name="person",
        track_id=index + 1,
        frame=index + 1,
        time_s=float(index),
        timestamp=datetime(2026, 11, 2, 8, 0, index, tzinfo=UTC),
        evidence=Evidence(min_confidence=0.35, positions=[(0.5, 0.5)], track_ids=[index + 1]),
    )


def seed_closed_gates(site: SiteConfig) -> list[AnalyticsEvent]:
    """Per skill one true and one false verdict (its gate closed) and one alert not judged yet."""
    store = TrustStore(site.trust.store_path)
    unjudged = []
    try:
        for camera in site.cameras:
            for skill in camera.skills:
                judged = [_alert(camera.id, skill.label, i) for i in range(3)]
                for event in judged:
                    store.add_alert(event, "shadow", None)
                for event, verdict in zip(judged, (Verdict.TRUE, Verdict.FALSE), strict=False):
                    reason = FalseReason.REFLECTION_OR_SHADOW if verdict == Verdict.FALSE else None
                    at = datetime.now(UTC)
                    store.set_verdict(VerdictRecord(event.id, verdict, reason, None, "rita", "review", at))
                unjudged.append(judged[2])
    finally:
        store.close()
    return unjudged


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[Any]]:
    """Calls of the trust statistics (the gate's bisection, the rates) and of each skill's judgements read."""
    counted: Counter[Any] = Counter()

    def counting(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(figures, "judged_needed", counting("judged_needed", figures.judged_needed))
    monkeypatch.setattr(figures, "false_alert_rate", counting("false_alert_rate", figures.false_alert_rate))
    read = TrustStore.judgements

    def judgements(store: TrustStore, camera: str, skill: str) -> list[Judgement]:
        counted["judgements", camera, skill] += 1
        return read(store, camera, skill)

    monkeypatch.setattr(TrustStore, "judgements", judgements)
    yield counted


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with session.get(url) as response:
        return response.status, await (
            response.json() if "json" in response.content_type else response.text()
        )


async def _newer_status(
    session: aiohttp.ClientSession, url: str, after: float, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The first /status gathered after `after` (unix time) that `ready` accepts."""
    deadline = time.monotonic() + SNAPSHOT_WAIT_S
    while time.monotonic() < deadline:
        try:
            status, body = await _get(session, f"{url}/status")
        except aiohttp.ClientConnectorError:  # the bridge is starting
            status, body = 0, {}
        if status == 200 and (body.get("taken_at") or 0) > after and ready(body):
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"no status gathered after {after} satisfied the test within {SNAPSHOT_WAIT_S} s")


def _skill(report: dict[str, Any], camera: str, skill: str) -> dict[str, Any]:
    return next(s for s in report["skills"] if s["camera_id"] == camera and s["skill"] == skill)


def _statistics(counted: Counter[Any]) -> Counter[Any]:
    return Counter({k: v for k, v in counted.items() if k in ("judged_needed", "false_alert_rate")})


def _skills_read(counted: Counter[Any]) -> set[tuple[str, str]]:
    return {(k[1], k[2]) for k in counted if isinstance(k, tuple)}


async def test_requests_compute_no_trust_figure_and_a_verdict_only_its_skills(
    tmp_path: Path, computations: Counter[Any]
) -> None:
    site = ninety_cameras(tmp_path)
    unjudged = seed_closed_gates(site)
    skills = CAMERAS * len(SKILLS)
    bridge = Bridge(site)
    stop = asyncio.Event()
    running = asyncio.create_task(bridge.run(stop))
    url = f"http://127.0.0.1:{site.health.port}"
    try:
        async with aiohttp.ClientSession() as session:
            first = await _newer_status(session, url, 0.0, lambda r: len(r["skills"]) == skills)
            assert not any(s["promotion_offered"] for s in first["skills"])
            assert first["snapshot_age_s"] is not None
            # The first snapshot computed every closed gate once.
            assert computations["judged_needed"] == skills
            after_first = _statistics(computations)
            computations.clear()
            computations.update(after_first)

            answers = Counter()
            for _ in range(REQUESTS):
                for path in ("/readyz", "/status", "/metrics"):
                    status, _body = await _get(session, f"{url}{path}")
                    answers[path, status] += 1
            # Not ready (nothing answers the bridge here), but answered, every time.
            assert answers == {
                ("/readyz", 503): REQUESTS,
                ("/status", 200): REQUESTS,
                ("/metrics", 200): REQUESTS,
            }
            await _newer_status(session, url, time.time() + 1.0, lambda r: True)  # two refreshes later
            assert _statistics(computations) == after_first, "health requests or refreshes recomputed figures"
            assert _skills_read(computations) == set()

            # A new alert changes a count, cheaply.
            counted = unjudged[0]
            bridge.trust.store.add_alert(_alert(counted.camera, counted.skill, 7), "shadow", None)
            report = await _newer_status(
                session, url, time.time(), lambda r: _skill(r, counted.camera, counted.skill)["alerts"] == 4
            )
            assert _statistics(computations) == after_first and _skills_read(computations) == set()

            # A verdict: that skill's figures are computed again, no other skill's.
            judged = unjudged[1]
            bridge.trust.record_verdict(judged.id, Verdict.TRUE, "rita")
            report = await _newer_status(
                session,
                url,
                time.time(),
                lambda r: _skill(r, judged.camera, judged.skill)["verdicts_true"] == 2,
            )
            assert _skills_read(computations) == {(judged.camera, judged.skill)}
            # Once by the watch after the verdict; a refresh landing between the commit and its mark
            # may compute it once more, never for another skill.
            assert 1 <= computations["judged_needed"] - after_first["judged_needed"] <= 2
            row = _skill(report, judged.camera, judged.skill)
            expected = figures.false_alert_rate(1, 3)
            assert (row["verdicts_true"], row["verdicts_false"]) == (2, 1)
            assert row["exact_upper"] == pytest.approx(expected.exact_upper)
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)
