"""The Web SDK keeper under supervision, against the fake Web SDK subprocess: a bug in one round is
logged, counted and the keeper restarted, which then creates the custom events and reports the SDK
reachable."""

import asyncio
from typing import Any

import pytest

from genetec_bridge.health.readiness import status_report
from genetec_bridge.health.status import BridgeStatus
from genetec_bridge.supervision import Loops
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.keeper import WebSdkKeeper
from tests.support.fake_websdk_process import FakeWebSdkProcess, wait_until

pytestmark = pytest.mark.integration


async def test_a_keeper_that_fails_unexpectedly_is_restarted_and_gets_its_work_done() -> None:
    loops = Loops(backoff_initial_s=0.05, backoff_max_s=0.1)
    with FakeWebSdkProcess() as fake:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
            real_ensure = client.ensure_custom_events
            calls = 0

            async def buggy_once(wanted: Any) -> Any:
                nonlocal calls
                calls += 1
                if calls == 1:
                    raise TypeError("'NoneType' object is not subscriptable")
                return await real_ensure(wanted)

            client.ensure_custom_events = buggy_once  # type: ignore[method-assign]
            keeper = WebSdkKeeper(client, {8101: "Analytics: intrusion"}, ping_s=0.1)
            running = asyncio.create_task(loops.run_async("websdk", keeper.run))
            try:
                await asyncio.to_thread(wait_until, lambda: keeper.status.reachable, 15.0, 0.05)
                state = await asyncio.to_thread(fake.state)
            finally:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)

    [loop] = loops.status()
    assert (loop.restarts, loop.last_error) == (1, "TypeError: 'NoneType' object is not subscriptable")
    assert any(event["Id"] == 8101 for event in state["custom_events"]), state["custom_events"]
    report = status_report(BridgeStatus(loops=loops.status()))
    assert "loop websdk restarting (1 restarts): TypeError: 'NoneType' object is not subscriptable" in (
        report.problems
    )


async def test_custom_events_wanted_by_an_applied_configuration_are_created_without_waiting_a_ping() -> None:
    with FakeWebSdkProcess() as fake:
        async with WebSdkClient(fake.base_url, fake.username, fake.password, timeout=2.0) as client:
            created: list[list[int]] = []

            async def audit(ids: list[int]) -> None:
                created.append(ids)

            # An hour between pings: only `want` can bring the new definitions in during this test.
            keeper = WebSdkKeeper(client, {8101: "Analytics: intrusion"}, ping_s=3600, on_created=audit)
            running = asyncio.create_task(keeper.run())
            try:
                await asyncio.to_thread(wait_until, lambda: created == [[8101]], 15.0, 0.05)
                keeper.want({8101: "Analytics: intrusion", 8102: "Analytics: loitering"})
                await asyncio.to_thread(wait_until, lambda: len(created) == 2, 15.0, 0.05)
                state = await asyncio.to_thread(fake.state)
            finally:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)

    assert created == [[8101], [8102]]
    assert {event["Id"] for event in state["custom_events"]} >= {8101, 8102}
