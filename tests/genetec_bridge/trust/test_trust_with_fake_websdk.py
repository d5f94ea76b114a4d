"""The trust loop against the fake Web SDK subprocess, over real sockets: shadow skills raise no custom
event and no alarm (a bookmark if asked) while live ones do; operators' Default and Alternate
acknowledgements, sent through the fake's event stream, become verdicts, and a run of Alternate ones
turns the live skill degraded (and back to shadow when the site asked for it)."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from analytics.events import AnalyticsEvent
from genetec_bridge.alarm_acknowledgements import AlarmAcknowledgements
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.health.metrics import render_metrics
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.trust.service import TrustService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.binomial_reference import exact_lower
from tests.support.fake_websdk_process import FakeWebSdkProcess, wait_until
from tests.support.trust_sites import CAMERA, INTRUSION, LOITERING, alert, trust_site

pytestmark = pytest.mark.integration


@dataclass
class Loop:
    fake: FakeWebSdkProcess
    outbox: Outbox
    delivery: DeliveryService
    trust: TrustService

    async def wait(self, predicate: Callable[[], Any]) -> None:
        await asyncio.to_thread(wait_until, predicate, 15.0, 0.05)

    async def raise_alert(self, event: AnalyticsEvent) -> None:
        """What the bridge does with a routed event: keep it for review, deliver it in the current mode."""
        [routing] = [s.routing for s in self.trust.configured_skills() if s.skill == event.skill]
        effective = await asyncio.to_thread(self.trust.admit, event, routing)
        await self.delivery.enqueue(event, effective)
        await self.wait(lambda: self.delivery.status().pending == 0)

    def received(self, op: str) -> list[dict[str, Any]]:
        return [r for r in self.fake.received() if r.get("op") == op and r.get("status") == 200]

    def verdicts(self) -> int:
        return sum(a.verdict is not None for a in self.trust.store.alerts())


@asynccontextmanager
async def running(tmp_path: Path, **site: Any) -> AsyncIterator[Loop]:
    fake = FakeWebSdkProcess()
    await asyncio.to_thread(fake.start)
    await asyncio.to_thread(fake.set_failures, keepalive_s=0.5)
    trust = TrustService(trust_site(tmp_path, websdk_url=fake.base_url, **site))
    trust.initialise_modes()
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
        await client.ensure_custom_events({5000: "loitering", 5001: "intrusion"})
        delivery = DeliveryService(client, outbox, poll_s=0.1)
        acknowledgements = AlarmAcknowledgements(client, outbox, trust)
        tasks = [asyncio.create_task(delivery.run()), asyncio.create_task(acknowledgements.run())]
        await asyncio.to_thread(wait_until, lambda: acknowledgements.connected, 15.0, 0.05)
        try:
            yield Loop(fake, outbox, delivery, trust)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            outbox.close()
            trust.close()
            await asyncio.to_thread(fake.stop)


async def test_shadow_skills_reach_no_operator_but_leave_a_bookmark_when_asked(tmp_path: Path) -> None:
    async with running(tmp_path) as loop:
        await loop.raise_alert(alert(1, LOITERING))  # shadow, routed to an alarm
        await loop.raise_alert(alert(2, INTRUSION))  # shadow, routed to a bookmark

        assert loop.received("RaiseCustomEvent") == []
        assert loop.received("TriggerAlarm") == []
        assert loop.fake.state()["alarm_instances"] == []
        bookmarks = loop.fake.state()["bookmarks"]
        assert [(b["camera"], b["text"]) for b in bookmarks] == [
            (CAMERA, "Shadow, review only: Intrusion person, zone Parvis")
        ]
        queue = loop.trust.review_queue()
        assert sorted((item.skill, item.mode) for item in queue) == [
            (INTRUSION, "shadow"),
            (LOITERING, "shadow"),
        ]

        # Beside it, a live skill: its alerts reach operators.
        await asyncio.to_thread(
            loop.trust.promote, CAMERA, LOITERING, "Paul", "acceptance test with the city"
        )
        await loop.raise_alert(alert(3, LOITERING))
        [raised] = loop.received("RaiseCustomEvent")
        assert raised["message"] == "Loitering 23 s, zone Parvis"
        assert len(loop.fake.state()["alarm_instances"]) == 1
        assert loop.trust.review_item(alert(3, LOITERING).id).mode == "live"


def alternates_to_degrade(defaults: int) -> int:
    """Alternate (false-alarm) acknowledgements after `defaults` Default ones until the exact one-sided
    95 % lower bound of the rate is above 10 %, computed by definition."""
    return next(m for m in range(1, 50) if exact_lower(m, defaults + m) > 0.10)


@pytest.mark.parametrize("demote", [False, True], ids=["watched", "sent-back-to-shadow"])
async def test_a_run_of_alternate_acknowledgements_degrades_the_live_skill(
    tmp_path: Path, demote: bool
) -> None:
    defaults = 3
    needed = alternates_to_degrade(defaults)
    async with running(tmp_path, loitering_mode="live", demote_when_degraded=demote) as loop:
        for index in range(defaults + needed):
            alternate = index >= defaults
            await loop.raise_alert(alert(index, LOITERING))
            instance = max(row["InstanceId"] for row in loop.fake.state()["alarm_instances"])
            await asyncio.to_thread(loop.fake.acknowledge, instance, alternate, "Marie")
            await loop.wait(lambda: loop.verdicts() == index + 1)  # noqa: B023 (awaited at once)
            [status] = [s for s in loop.trust.status() if s.skill == LOITERING]
            degraded_now = index + 1 - defaults >= needed
            if not degraded_now:
                assert (status.mode, status.degraded) == ("live", False), index
        # The watch runs just after the verdict is stored: wait for what it writes last.
        last = ("watch", "skill.demote" if demote else "skill.degraded")
        await loop.wait(lambda: [(e.actor, e.action) for e in loop.trust.audit.entries()][-1] == last)
        [status] = [s for s in loop.trust.status() if s.skill == LOITERING]
        assert (status.verdicts_true, status.verdicts_false) == (defaults, needed)
        [verdict] = [a.verdict for a in loop.trust.store.alerts() if a.event.track_id == 1]
        assert verdict is not None and (verdict.reviewer, verdict.source) == ("Marie", "operator")
        actions = [(e.actor, e.action) for e in loop.trust.audit.entries()]
        assert actions.count(("watch", "skill.degraded")) == 1
        metrics = render_metrics(lambda: BridgeStatus(skills=loop.trust.status())).decode()
        labels = f'camera="{CAMERA}",skill="{LOITERING}"'
        if demote:
            assert (status.mode, status.degraded) == ("shadow", False)
            assert f"genetec_bridge_skill_live{{{labels}}} 0.0" in metrics
            # Back in shadow: the next alert is kept for review and raises nothing.
            raised = len(loop.received("RaiseCustomEvent"))
            await loop.raise_alert(alert(99, LOITERING))
            assert len(loop.received("RaiseCustomEvent")) == raised
            assert loop.trust.review_item(alert(99, LOITERING).id).mode == "shadow"
        else:
            assert (status.mode, status.degraded) == ("live", True)
            assert f"genetec_bridge_skill_degraded{{{labels}}} 1.0" in metrics
        assert f'genetec_bridge_skill_verdicts_total{{{labels},verdict="false"}} {float(needed)}' in metrics
