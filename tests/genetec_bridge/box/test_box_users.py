"""Accounts managed in the box and login throttling: the rules on their own (a clock the test moves,
never a sleep), then over a real socket (the box on the example site file; clients bound to distinct
loopback addresses stand for distinct machines): accounts added, removed, demoted and their sessions
ended at once, every change audited without a password, the last integrator kept, logins throttled
per address whatever name is tried and across addresses, and failed logins audited as one line per
address and window."""

import json
import re
import stat
import threading
from pathlib import Path

import httpx
import pytest

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import AccountError, AccountStore, Role
from genetec_bridge.box.login_throttle import GLOBAL_WINDOW_S, MAX_LOCK_S, FailedLogins, LoginThrottle, Wait
from tests.support.box_site import PASSWORDS, login, running_box, session, write_box_site


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fail(throttle: LoginThrottle, address: str, times: int) -> None:
    for _ in range(times):
        assert throttle.wait(address) is None
        throttle.failed(address)


def test_five_failures_from_one_address_lock_it_whatever_the_names_and_each_lock_doubles() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=5, window_s=60, global_per_min=1000, clock=clock)
    _fail(throttle, "10.0.0.1", 4)
    assert throttle.wait("10.0.0.1") is None  # four failures: still allowed
    throttle.failed("10.0.0.1")
    assert throttle.wait("10.0.0.1") == Wait(60, everywhere=False)
    assert throttle.wait("10.0.0.2") is None  # another address is not held up
    clock.now += 60
    _fail(throttle, "10.0.0.1", 5)
    assert throttle.wait("10.0.0.1") == Wait(120, everywhere=False)
    clock.now += 120
    _fail(throttle, "10.0.0.1", 5)
    assert throttle.wait("10.0.0.1") == Wait(240, everywhere=False)
    waits: list[float] = []
    for _ in range(6):  # each lock waited out, then five failures again
        clock.now += waits[-1] if waits else 240
        _fail(throttle, "10.0.0.1", 5)
        waits.append(throttle.wait("10.0.0.1").seconds)  # type: ignore[union-attr]
    assert waits == [480, 960, 1920, MAX_LOCK_S, MAX_LOCK_S, MAX_LOCK_S]
    # Quiet for the longest lock: the address starts afresh.
    clock.now += 2 * MAX_LOCK_S
    _fail(throttle, "10.0.0.1", 5)
    assert throttle.wait("10.0.0.1") == Wait(60, everywhere=False)


def test_failures_older_than_the_window_do_not_count() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=3, window_s=60, global_per_min=1000, clock=clock)
    for _ in range(10):
        _fail(throttle, "10.0.0.1", 2)
        clock.now += 61
    assert throttle.wait("10.0.0.1") is None


def test_the_global_ceiling_holds_every_address_until_the_oldest_failure_is_a_minute_old() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=5, window_s=60, global_per_min=20, clock=clock)
    for n in range(20):  # one failure from each of 20 addresses: none of them locked on its own
        _fail(throttle, f"10.0.1.{n}", 1)
        clock.now += 1
    waiting = throttle.wait("192.168.7.7")  # an address that never failed waits too
    assert waiting == Wait(GLOBAL_WINDOW_S - 20, everywhere=True)
    clock.now += GLOBAL_WINDOW_S - 20
    assert throttle.wait("192.168.7.7") is None  # the oldest failure aged out


def test_failed_logins_are_one_line_per_address_and_window_counting_names_never_naming_them() -> None:
    clock = Clock()
    tally = FailedLogins(window_s=60, clock=clock)
    for name in ("admin", "root", "ines", "ines", "operator"):
        tally.failed("10.0.0.1", name)
    tally.refused("10.0.0.1")
    tally.failed("10.0.0.2", "admin")
    clock.now += 30
    assert tally.closed() == []
    clock.now += 30
    lines = dict(tally.closed())
    assert lines == {
        "10.0.0.1": {"failures": 5, "names_tried": 4, "refused": 1, "window_s": 60},
        "10.0.0.2": {"failures": 1, "names_tried": 1, "refused": 0, "window_s": 60},
    }
    assert "admin" not in json.dumps(lines)
    tally.failed("10.0.0.1", "x")
    assert tally.closed() == [] and [a for a, _ in tally.closed(everything=True)] == ["10.0.0.1"]


def test_the_last_integrator_can_be_neither_removed_nor_demoted(tmp_path: Path) -> None:
    store = AccountStore(tmp_path / "accounts.json")
    store.add("ines", Role.INTEGRATOR, "integrator-password-1")
    store.add("victor", Role.VIEWER, "viewer-password-1")
    with pytest.raises(AccountError, match="last integrator") as removed:
        store.remove("ines")
    with pytest.raises(AccountError, match="last integrator") as demoted:
        store.set_role("ines", Role.REVIEWER)
    assert removed.value.key == demoted.value.key == "name"
    assert store.accounts()["ines"].role is Role.INTEGRATOR
    assert store.set_role("victor", Role.INTEGRATOR) is Role.VIEWER
    assert store.set_role("ines", Role.VIEWER) is Role.INTEGRATOR  # victor integrates now
    assert store.remove("ines").role is Role.VIEWER
    with pytest.raises(AccountError, match="no account 'ines'"):
        store.set_password("ines", "another-long-password")
    assert set(store.accounts()) == {"victor"}


def test_a_password_reset_is_hashed_checked_and_the_file_stays_0600(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    store = AccountStore(path)
    store.add("ines", Role.INTEGRATOR, "integrator-password-1")
    with pytest.raises(AccountError, match="at least") as weak:
        store.set_password("ines", "short")
    assert weak.value.key == "password"
    store.set_password("ines", "a-brand-new-password")
    assert store.verify("ines", "a-brand-new-password") is not None
    assert store.verify("ines", "integrator-password-1") is None
    assert "a-brand-new-password" not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and not path.with_suffix(".tmp").exists()


def test_changes_from_several_threads_at_once_are_all_kept(tmp_path: Path) -> None:
    store = AccountStore(tmp_path / "accounts.json")
    store.add("ines", Role.INTEGRATOR, "integrator-password-1")
    names = [f"user{n}" for n in range(8)]
    start = threading.Barrier(len(names))

    def add(name: str) -> None:
        start.wait()
        store.add(name, Role.VIEWER, f"{name}-long-password")

    threads = [threading.Thread(target=add, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(store.accounts()) == {"ines", *names}


def _csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def _from(base: str, address: str) -> httpx.AsyncClient:
    """A client whose connections leave from `address` (any 127.x.y.z reaches the box on loopback)."""
    return httpx.AsyncClient(base_url=base, transport=httpx.AsyncHTTPTransport(local_address=address))


async def test_an_integrator_manages_accounts_and_a_removed_users_session_ends_at_once(
    tmp_path: Path,
) -> None:
    path = write_box_site(tmp_path)
    async with running_box(path) as (server, _):
        base = server.url.rstrip("/")
        integrator, csrf = await session(base, "ines")
        viewer, _ = await session(base, "victor")
        assert (await viewer.get("/users")).status_code == 403  # integrators only

        added = await integrator.post(
            "/users",
            data={"name": "nora", "role": "viewer", "password": "nora-first-password", "csrf_token": csrf},
        )
        assert added.status_code == 303 and added.headers["location"] == "/users?done=added"
        nora = httpx.AsyncClient(base_url=base)
        assert (await login(nora, "nora", "nora-first-password")).status_code == 303
        assert (await nora.get("/cameras")).status_code == 200
        listing = await integrator.get("/users")
        assert 'data-session-user="nora"' in listing.text and "nora-first-password" not in listing.text

        weak = await integrator.post(
            "/users", data={"name": "olga", "role": "viewer", "password": "short", "csrf_token": csrf}
        )
        assert weak.status_code == 422 and 'id="error-password"' in weak.text and "at least 12" in weak.text
        in_french = await integrator.post(
            "/users",
            data={"name": "olga", "role": "viewer", "password": "short", "csrf_token": csrf},
            headers={"Accept-Language": "fr"},
        )
        assert "au moins 12 caractères" in in_french.text and "olga" in in_french.text  # the name kept
        last = await integrator.post("/users/ivan/role", data={"role": "viewer", "csrf_token": csrf})
        assert last.status_code == 303  # ines is still an integrator
        refused = await integrator.post("/users/ines/remove", data={"csrf_token": csrf})
        assert refused.status_code == 422 and "last integrator" in refused.text

        removed = await integrator.post("/users/nora/remove", data={"csrf_token": csrf})
        assert removed.status_code == 303
        after = await nora.get("/cameras")
        assert after.status_code == 303 and after.headers["location"].startswith("/login")
        assert (await login(nora, "nora", "nora-first-password")).status_code == 401

        demoted = await integrator.post("/users/victor/role", data={"role": "reviewer", "csrf_token": csrf})
        assert demoted.status_code == 303
        assert (await viewer.get("/cameras")).status_code == 303  # its session ended with the old role

        own = httpx.AsyncClient(base_url=base)
        await login(own, "rita")
        rita_csrf = _csrf(await own.get("/account"))
        other_rita, _ = await session(base, "rita")
        wrong = await own.post(
            "/account/password",
            data={
                "current": "not-it",
                "new": "rita-new-password",
                "repeat": "rita-new-password",
                "csrf_token": rita_csrf,
            },
        )
        assert wrong.status_code == 422 and 'id="error-current"' in wrong.text
        changed = await own.post(
            "/account/password",
            data={
                "current": PASSWORDS["rita"],
                "new": "rita-new-password",
                "repeat": "rita-new-password",
                "csrf_token": rita_csrf,
            },
        )
        assert changed.status_code == 303
        assert (await own.get("/review")).status_code == 200  # this session kept
        assert (await other_rita.get("/review")).status_code == 303  # the other one ended

        sessions_page = await integrator.get("/users")
        handle = re.search(r'action="/sessions/([^"]+)/end"', sessions_page.text).group(1)  # type: ignore[union-attr]
        assert (
            await integrator.post(f"/sessions/{handle}/end", data={"csrf_token": csrf})
        ).status_code == 303
        for client in (integrator, viewer, nora, own, other_rita):
            await client.aclose()

    trail = AuditTrail(tmp_path / "box/audit.jsonl")
    changes = [(e.actor, e.action, e.subject, dict(e.details)) for e in trail.entries() if e.actor == "ines"]
    assert ("ines", "account.create", "nora", {"role": "viewer"}) in changes
    assert ("ines", "account.role", "ivan", {"from": "integrator", "to": "viewer"}) in changes
    assert ("ines", "account.remove", "nora", {"role": "viewer"}) in changes
    assert ("ines", "account.role", "victor", {"from": "viewer", "to": "reviewer"}) in changes
    assert any(action == "account.session_end" for _, action, _, _ in changes)
    assert ("rita", "account.password_change") in [(e.actor, e.action) for e in trail.entries()]
    text = trail.path.read_text()
    assert "nora-first-password" not in text and "rita-new-password" not in text
    assert trail.verify() == []


async def test_logins_are_throttled_per_address_whatever_the_name_and_audited_as_one_line(
    tmp_path: Path,
) -> None:
    path = write_box_site(
        tmp_path, box="login_attempts = 5\nlogin_lockout_s = 600\nlogin_failures_per_min = 8"
    )
    async with running_box(path) as (server, _):
        base = server.url.rstrip("/")
        async with _from(base, "127.0.0.2") as guesser:
            statuses = [(await login(guesser, name, "wrong-password-x")).status_code for name in PASSWORDS]
            statuses.append((await login(guesser, "admin", "wrong-password-x")).status_code)
            locked = await login(guesser, "ines")  # the right password, but this address is locked
            assert statuses == [401] * 5 and locked.status_code == 429 and "this box" not in locked.text
        async with _from(base, "127.0.0.3") as colleague:
            assert (await login(colleague, "ivan")).status_code == 303  # another address is not held up
            for name in ("a", "b", "c"):
                assert (await login(colleague, name, "wrong-password-x")).status_code == 401
        async with _from(base, "127.0.0.4") as late:
            paused = await login(late, "rita")  # 8 failures in the minute, from all addresses together
            assert paused.status_code == 429 and "from everywhere" in paused.text
            assert 'id="login-paused"' in (await late.get("/login")).text
    lines = [
        e for e in AuditTrail(tmp_path / "box/audit.jsonl").entries() if e.action == "account.login_failed"
    ]
    by_address = {e.subject: dict(e.details) for e in lines}
    assert len(lines) == 3
    assert by_address["127.0.0.2"] == {"failures": 5, "names_tried": 5, "refused": 1, "window_s": 600}
    assert by_address["127.0.0.3"] == {"failures": 3, "names_tried": 3, "refused": 0, "window_s": 600}
    assert by_address["127.0.0.4"] == {"failures": 0, "names_tried": 0, "refused": 1, "window_s": 600}
    assert "wrong-password-x" not in (tmp_path / "box/audit.jsonl").read_text()
