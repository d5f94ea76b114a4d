"""The box's work runs in its own bounded pool: a flood of snapshot requests on a Media Gateway that
never answers takes no thread of the alert path (an alert is stored meanwhile) and the requests past
the limits are refused at once; a burst of logins takes at most the logins' share of the pool."""

import asyncio
import re
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from analytics.skills.base import AlertRouting
from genetec_bridge.box.accounts import Account, AccountStore
from genetec_bridge.box.pages import editor
from genetec_bridge.box.work import LOGINS, PER_ACCOUNT, THREADS
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.box_site import PASSWORDS, running_box, session, write_box_site
from tests.support.trust_sites import alert

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
WAIT_S = 60.0  # a bound that fails the test instead of hanging it, not a timing assertion


class SilentGateway:
    """A Media Gateway that accepts RTSP connections and never answers, until stopped; counts them."""

    def __init__(self) -> None:
        self.connections = 0
        self.open_now = 0
        self.most_open = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        self._writers.append(writer)
        try:
            await reader.read()  # until the client gives up
        finally:
            self.open_now -= 1

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for writer in self._writers:
            writer.close()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def gateway() -> AsyncIterator[SilentGateway]:
    silent = SilentGateway()
    await silent.start()
    yield silent
    await silent.stop()


async def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"not seen within {WAIT_S} s: {what}"
        await asyncio.sleep(0.05)


def _thread_names(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, seen: Counter[str]) -> None:
    """Record the name of the thread each call of `owner.name` runs in."""
    original = getattr(owner, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        seen[threading.current_thread().name.split("_")[0]] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)


async def test_a_snapshot_flood_on_a_silent_gateway_is_refused_past_the_limits_and_alerts_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gateway: SilentGateway
) -> None:
    path = write_box_site(tmp_path)
    text = path.read_text()
    path.write_text(
        text.replace(
            'host = "sc-media.city.local"\nport = 654', f'host = "127.0.0.1"\nport = {gateway.port}', 1
        )
    )
    box_threads: Counter[str] = Counter()
    alert_threads: Counter[str] = Counter()
    _thread_names(monkeypatch, editor, "snapshot_jpeg", box_threads)
    _thread_names(monkeypatch, Outbox, "add_many", alert_threads)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    delivery = DeliveryService(WebSdkClient("http://127.0.0.1:9/WebSdk", "nobody", "none"), outbox)
    async with running_box(path) as (server, _bridge):
        base = server.url.rstrip("/")
        users = list(PASSWORDS)  # four accounts
        clients = [(await session(base, user))[0] for user in users]
        per_user = PER_ACCOUNT + 1
        flood = [
            asyncio.create_task(client.get(f"/cameras/{CAMERA}/snapshot.jpg", timeout=WAIT_S))
            for client in clients
            for _ in range(per_user)
        ]
        refused_count = len(flood) - THREADS
        await _until(
            lambda: sum(task.done() for task in flood) >= refused_count, "the extra requests refused"
        )
        # OpenCV opens one capture at a time (a process-wide lock): the gateway sees one connection
        # at once, the other admitted snapshots wait in their box threads.
        await _until(lambda: box_threads["box"] == THREADS and gateway.open_now == 1, "snapshots at work")
        admitted = [task for task in flood if not task.done()]

        # The box's threads all wait on the gateway: an alert is stored meanwhile, by the alert path.
        stored = await asyncio.wait_for(
            delivery.enqueue_many([(alert(1), AlertRouting(custom_event_id=5000, mode="live"))]), WAIT_S
        )
        assert stored == [True]
        assert gateway.open_now == 1 and not any(task.done() for task in admitted), (
            "the alert waited for the box"
        )
        assert [outbox.stats().pending, dict(alert_threads)] == [
            1,
            alert_threads,
        ] and "box" not in alert_threads

        refused = [task.result() for task in flood if task.done()]
        assert len(refused) == refused_count
        assert all(r.status_code in (429, 503) and "try again" in r.text for r in refused)
        assert all(r.headers.get("Retry-After") for r in refused)
        assert box_threads == {"box": THREADS} and gateway.connections == 1

        # The gateway goes away: the admitted requests are answered, and their threads are free again.
        await gateway.stop()
        answered = [await asyncio.wait_for(task, WAIT_S) for task in admitted]
        assert [r.status_code for r in answered] == [503] * THREADS
        again = await clients[0].get(f"/cameras/{CAMERA}/snapshot.jpg", timeout=WAIT_S)
        assert again.status_code == 503 and "no frame" in again.text and box_threads["box"] == THREADS + 1
        for client in clients:
            await client.aclose()
    outbox.close()


async def test_a_burst_of_logins_holds_at_most_the_logins_share_of_the_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_box_site(tmp_path)
    release = threading.Event()
    checking = Counter[str]()
    lock = threading.Lock()
    verify = AccountStore.verify

    def held(store: AccountStore, name: str, password: str) -> Account | None:
        with lock:
            checking["now"] += 1
            checking["most"] = max(checking["most"], checking["now"])
            checking[threading.current_thread().name.split("_")[0]] += 1
        release.wait(WAIT_S)
        try:
            return verify(store, name, password)
        finally:
            with lock:
                checking["now"] -= 1

    async with running_box(path) as (server, _bridge):
        base = server.url.rstrip("/")
        reviewer, _csrf = await session(base, "rita")  # logged in before the burst
        monkeypatch.setattr(AccountStore, "verify", held)
        burst = 24
        clients = [httpx.AsyncClient(base_url=base) for _ in range(burst)]
        forms = [await client.get("/login") for client in clients]
        tokens = [re.search(r'name="csrf_token" value="([^"]+)"', f.text).group(1) for f in forms]  # type: ignore[union-attr]
        logins = [
            asyncio.create_task(
                client.post("/login", data={"user": f"guess{n}", "password": "wrong", "csrf_token": token})
            )
            for n, (client, token) in enumerate(zip(clients, tokens, strict=True))
        ]
        await _until(
            lambda: sum(task.done() for task in logins) >= burst - LOGINS, "the extra logins refused"
        )
        # The password checks hold their share; the rest of the pool still serves a logged-in person.
        audit = await reviewer.get("/audit", timeout=WAIT_S)
        assert audit.status_code == 200
        refused = [task.result() for task in logins if task.done()]
        checked = [task for task in logins if not task.done()]
        assert len(refused) == burst - LOGINS
        assert all(r.status_code == 429 and "logins already at work" in r.text for r in refused)
        release.set()
        answered = [await asyncio.wait_for(task, WAIT_S) for task in checked]
        assert [r.status_code for r in answered] == [401] * LOGINS
        assert checking["most"] == LOGINS and checking["box"] == LOGINS
        for client in [*clients, reviewer]:
            await client.aclose()
