"""An alert is durable before anything else happens to it: with the trust store or the audit trail on a
really full disk, every alert the daemon reports still goes through the bridge's result path to the
outbox and on to Security Center (the fake Web SDK, over a real socket), once each; /status names the
failing store and /metrics counts its failures; once space is freed, the review records and audit
lines that waited are written, each once. The outbox is written on its own writer thread."""

import asyncio
import sqlite3
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from analytics.events import AnalyticsEvent
from analytics.link.link_messages import FrameResult
from analytics.skills.base import AlertRouting
from genetec_bridge import app
from genetec_bridge.app import Bridge
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.store_health import StoreHealth
from genetec_bridge.trust.store import TrustStore
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.analytics_events import START
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess, free_port, wait_until
from tests.support.full_disk import FullDisk, full_disk
from tests.support.trust_sites import CAMERA, LOITERING, alert, trust_site

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

ALERTS = 12
NEW_CAMERA = CAMERA_GUIDS[1]


@dataclass
class Running:
    bridge: Bridge
    fake: FakeWebSdkProcess
    health: str
    disk: FullDisk

    async def report(self, *events: AnalyticsEvent) -> None:
        """What the daemon link hands the bridge: one analysed frame per event."""
        for event in events:
            await self.bridge._on_result(
                FrameResult(
                    camera=event.camera,
                    frame=event.frame,
                    time_s=event.time_s,
                    captured_at=START + timedelta(seconds=event.time_s),
                    events=[event],
                    inference_s=0.01,
                )
            )

    async def ready(self) -> None:
        """The custom events defined in Security Center (by the keeper), the skills' modes stored."""
        await self.until(lambda: len(self.fake.state()["custom_events"]) >= 2)
        await self.until(lambda: self.bridge.trust.store.mode(CAMERA, LOITERING) is not None)

    async def until(self, predicate: Callable[[], Any], timeout_s: float = 60.0) -> Any:
        return await asyncio.to_thread(wait_until, predicate, timeout_s, 0.1)

    def status(self) -> dict[str, Any]:
        """/status over HTTP; off the loop (in `until`, or through `read`), which serves it."""
        return httpx.get(f"{self.health}/status", timeout=30).json()

    def metrics(self) -> str:
        return httpx.get(f"{self.health}/metrics", timeout=30).text

    async def read(self, endpoint: Callable[[], Any]) -> Any:
        return await asyncio.to_thread(endpoint)

    def raised(self) -> Counter[str]:
        """Custom events Security Center accepted, by analytics event id."""
        return Counter(
            AnalyticsEvent.model_validate_json(r["payload"]).id for r in self.fake.raised_custom_events()
        )

    def review_records(self) -> int:
        store = TrustStore(self.bridge.site.trust.store_path)  # its own connection: what is on disk
        try:
            return len(store.alerts())
        finally:
            store.close()


def _site(tmp_path: Path, small: Path, fake: FakeWebSdkProcess, on_small: str) -> SiteConfig:
    """Both skills live; `on_small` ('trust', 'audit' or 'statistics') is the store put on the small disk."""
    site = trust_site(tmp_path, "live", "live", websdk_url=fake.base_url)

    def place(store: str, name: str) -> Path:
        return (small if on_small == store else tmp_path) / name

    login = {"username": fake.username, "password": SecretStr(fake.password)}
    return site.model_copy(
        update={
            "genetec": site.genetec.model_copy(update=login),
            "trust": site.trust.model_copy(update={"store_path": place("trust", "trust.sqlite3")}),
            "audit": site.audit.model_copy(update={"path": place("audit", "audit.jsonl")}),
            "delivery": site.delivery.model_copy(
                update={
                    "outbox_path": tmp_path / "outbox.sqlite3",
                    "retry_initial_s": 0.1,
                    "retry_max_s": 0.5,
                }
            ),
            "counting": site.counting.model_copy(
                update={"store_path": place("statistics", "statistics.sqlite3")}
            ),
            "daemon": site.daemon.model_copy(
                update={"managed": False, "socket_path": tmp_path / "daemon.sock"}
            ),
            "health": site.health.model_copy(update={"port": free_port()}),
        }
    )


@asynccontextmanager
async def running(tmp_path: Path, on_small: str) -> AsyncIterator[Running]:
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    with full_disk(tmp_path / "small") as disk:
        bridge = Bridge(_site(tmp_path, disk.directory, fake, on_small))
        stop = asyncio.Event()
        task = asyncio.create_task(bridge.run(stop))
        health = f"http://127.0.0.1:{bridge.site.health.port}"
        try:
            yield Running(bridge, fake, health, disk)
        finally:
            stop.set()
            await asyncio.wait_for(task, 60)
            await asyncio.to_thread(fake.stop)


def _store_problem(status: dict[str, Any], store: str) -> dict[str, Any]:
    [problem] = [p for p in status["stores"] if p["store"] == store]
    return problem


async def test_every_alert_reaches_security_center_while_the_trust_store_disk_is_full(tmp_path: Path) -> None:
    async with running(tmp_path, "trust") as run:
        await run.ready()
        run.disk.fill(sqlite=run.bridge.trust.store._db)
        events = [alert(index) for index in range(ALERTS)]
        await run.report(*events)

        await run.until(lambda: run.status()["delivery"]["delivered"] == ALERTS)
        full = await run.read(run.status)
        metrics = await run.read(run.metrics)
        assert run.raised() == {event.id: 1 for event in events}, "produced = delivered, each once"
        assert full["delivery"]["produced"] == ALERTS and full["delivery"]["storage_error"] is None
        trust = _store_problem(full, "trust")
        assert trust["error"] and trust["failures"] >= 1
        assert any(p.startswith("trust store failing") for p in full["problems"]), full["problems"]
        assert run.review_records() == 0, "nothing could be written: the records wait in memory"
        trust_line = 'genetec_bridge_store_failures_total{store="trust"}'
        [failures] = [line for line in metrics.splitlines() if line.startswith(trust_line)]
        assert float(failures.split()[-1]) >= 1

        run.disk.free()
        await run.until(lambda: run.review_records() == ALERTS)
        await run.until(lambda: _store_problem(run.status(), "trust")["error"] is None)
        assert [a.mode for a in run.bridge.trust.store.alerts()] == ["live"] * ALERTS


async def test_every_alert_is_delivered_and_audited_once_after_the_audit_disk_was_full(
    tmp_path: Path,
) -> None:
    async with running(tmp_path, "audit") as run:
        trail = AuditTrail(run.bridge.site.audit.path)
        # Full before the first line (the custom events the keeper creates): a log with room left in its
        # last page would take a line and then fail its head, which is the audit trail's own recovery.
        run.disk.fill(files=(trail.path,))
        await run.ready()
        events = [alert(index) for index in range(ALERTS)]
        await run.report(*events)

        await run.until(lambda: run.status()["delivery"]["delivered"] == ALERTS)
        await run.until(lambda: _store_problem(run.status(), "audit")["error"])
        assert run.raised() == {event.id: 1 for event in events}
        assert any(p.startswith("audit store failing") for p in (await run.read(run.status))["problems"])
        assert 'genetec_bridge_store_failures_total{store="audit"}' in await run.read(run.metrics)

        run.disk.free()

        def delivered_lines() -> list[str]:
            return [e.details["event_id"] for e in trail.entries() if e.action == "alert.delivered"]

        await run.until(lambda: len(delivered_lines()) == ALERTS)
        await run.until(lambda: _store_problem(run.status(), "audit")["error"] is None)
        assert sorted(delivered_lines()) == sorted(event.id for event in events), "each audited once"
        assert trail.verify() == []


async def test_alerts_go_out_and_are_counted_later_while_the_statistics_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "STATISTICS_COMMIT_S", 0.2)
    async with running(tmp_path, "statistics") as run:
        await run.ready()
        statistics = run.bridge._statistics
        run.disk.fill(sqlite=statistics._db)
        events = [alert(index) for index in range(ALERTS)]
        await run.report(*events)

        await run.until(lambda: run.status()["delivery"]["delivered"] == ALERTS)
        await run.until(lambda: _store_problem(run.status(), "statistics")["error"])
        assert run.raised() == {event.id: 1 for event in events}

        def counted() -> int:
            store = StatisticsStore(run.bridge.site.counting.store_path)  # what is on disk
            try:
                return sum(store.alerts(0, 4e9).values())
            finally:
                store.close()

        assert counted() == 0
        run.disk.free()
        await run.until(lambda: counted() == ALERTS)
        await run.until(lambda: _store_problem(run.status(), "statistics")["error"] is None)


async def test_a_trust_store_that_hangs_holds_up_no_alert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every review-record write hangs (a stuck disk) until the test lets it go: all the alerts are
    delivered meanwhile, and their records are written after."""
    released = threading.Event()
    add_alert = TrustStore.add_alert

    def stuck(self: TrustStore, *args: Any) -> bool:
        released.wait()
        return add_alert(self, *args)

    monkeypatch.setattr(TrustStore, "add_alert", stuck)
    async with running(tmp_path, "") as run:
        await run.ready()
        events = [alert(index) for index in range(ALERTS)]
        try:
            await asyncio.wait_for(run.report(*events), 30)
            await run.until(lambda: run.status()["delivery"]["delivered"] == ALERTS)
            assert run.raised() == {event.id: 1 for event in events}
            assert run.review_records() == 0
        finally:
            released.set()
        await run.until(lambda: run.review_records() == ALERTS)


async def test_a_new_skills_alerts_go_out_in_the_configs_mode_while_its_mode_cannot_be_stored(
    tmp_path: Path,
) -> None:
    """A camera added by `apply` while the trust store's disk is full: its skills' modes cannot be stored,
    and their alerts go out all the same, live as the config says; the modes are stored later, the
    configured live one audited once."""
    async with running(tmp_path, "trust") as run:
        await run.ready()
        site = run.bridge.site
        [camera] = site.cameras
        added = camera.model_copy(update={"id": NEW_CAMERA, "name": "Quai"})
        run.disk.fill(sqlite=run.bridge.trust.store._db)

        assert await run.bridge.apply(site.model_copy(update={"cameras": [camera, added]})) == [NEW_CAMERA]
        events = [
            alert(index).model_copy(update={"id": f"new-{index}", "camera": NEW_CAMERA})
            for index in range(ALERTS)
        ]
        await run.report(*events)

        await run.until(lambda: run.status()["delivery"]["delivered"] == ALERTS)
        assert run.raised() == {event.id: 1 for event in events}
        assert run.bridge.trust.store.mode(NEW_CAMERA, LOITERING) is None, "not stored: the disk is full"

        run.disk.free()
        await run.until(lambda: run.review_records() == ALERTS)
        await run.until(lambda: run.bridge.trust.store.mode(NEW_CAMERA, LOITERING) is not None)
        state = run.bridge.trust.store.mode(NEW_CAMERA, LOITERING)
        assert state is not None and (state.mode, state.changed_by) == ("live", "Test site")
        trail = AuditTrail(site.audit.path)
        subject = f"{NEW_CAMERA}/{LOITERING}"
        await run.until(lambda: any(e.subject == subject for e in trail.entries()))
        assert [e.action for e in trail.entries() if e.subject == subject] == ["skill.live_from_config"]


async def test_outbox_calls_run_on_the_outbox_writer_thread_and_its_failures_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: set[str] = set()
    for name in ("add_many", "add", "next_pending", "mark_sending", "mark_action_done", "mark_delivered"):
        original = getattr(Outbox, name)

        def recorded(self: Outbox, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            threads.add(threading.current_thread().name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Outbox, name, recorded)
    path = tmp_path / "outbox.sqlite3"
    outbox = Outbox(path, busy_timeout_s=0.1)
    health = StoreHealth()
    routing = AlertRouting(custom_event_id=5000, mode="live")
    with FakeWebSdkProcess() as fake:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5.0) as client:
            await client.ensure_custom_events({5000: "loitering"})
            service = DeliveryService(client, outbox, poll_s=0.1, store_health=health)
            # Another process holds the write lock: the events are held, the outbox named as failing.
            with closing(sqlite3.connect(path, isolation_level=None)) as locker:
                locker.execute("BEGIN EXCLUSIVE")
                await service.enqueue_many([(alert(index, LOITERING), routing) for index in range(3)])
                [problem] = health.problems()
                assert problem.store == "outbox" and "locked" in (problem.error or "")
                locker.execute("ROLLBACK")
            await asyncio.wait_for(service.run(until_empty=True), 60)
        assert len(fake.raised_custom_events()) == 3
    assert health.problems()[0].error is None and service.status().storage_error is None
    outbox.close()
    assert threads and all(name.startswith("outbox") for name in threads), threads
