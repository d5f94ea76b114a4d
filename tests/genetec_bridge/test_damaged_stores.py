"""A damaged store never keeps the bridge from starting: the trust store and the statistics store, like
the outbox, are checked at open, a damaged file is kept aside as `<name>.corrupt-<UTC time>`, a fresh
store is started, and /status names what was set aside."""

import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from genetec_bridge.app import Bridge
from genetec_bridge.config.site import SiteConfig, load_site_config
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.health.server import HealthServer
from genetec_bridge.trust.store import TrustStore
from tests.support.site_config_files import PASSWORD_ENV, example_text, write_site


def _site(directory: Path) -> SiteConfig:
    site = load_site_config(write_site(directory, example_text()))
    return site.model_copy(
        update={
            "delivery": site.delivery.model_copy(update={"outbox_path": directory / "outbox.sqlite3"}),
            "counting": site.counting.model_copy(update={"store_path": directory / "statistics.sqlite3"}),
            "trust": site.trust.model_copy(update={"store_path": directory / "trust.sqlite3"}),
            "audit": site.audit.model_copy(update={"path": directory / "audit.jsonl"}),
        }
    )


def _damage(path: Path, how: str, make: type[StatisticsStore] | type[TrustStore]) -> bytes:
    """Damage the store at `path` as a disk or a crash can; returns the damaged bytes."""
    if how == "not a database":
        path.write_bytes(b"this is not SQLite\n" * 100)
    else:
        make(path).close()
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE filler (text TEXT)")
            db.executemany("INSERT INTO filler VALUES (?)", [("f" * 200,)] * 200)
        assert not path.with_name(path.name + "-wal").exists()  # the last connection wrote it back
        with path.open("r+b") as file:
            file.seek(4096 * 3)
            file.write(b"\xde\xad\xbe\xef" * 2048)
    return path.read_bytes()


@pytest.mark.parametrize("how", ["not a database", "malformed pages"])
async def test_a_bridge_with_a_damaged_trust_and_statistics_store_starts_and_status_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "example-password")
    site = _site(tmp_path)
    damaged = {
        "trust": _damage(site.trust.store_path, how, TrustStore),
        "statistics": _damage(site.counting.store_path, how, StatisticsStore),
    }

    bridge = Bridge(site)
    await bridge.refresh_snapshot()  # the bridge is not run here: no health loop gathers it
    health = HealthServer(bridge.snapshot, port=0)
    await health.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://{health.host}:{health.port}") as client:
            status = (await client.get("/status")).json()
        # The fresh stores work: the skills' modes were stored again from the config, tallies go in.
        assert bridge.trust.status()
        batch = StatisticsBatch()
        batch.add_analysed("camera", 0.0, 30.0)
        bridge._statistics.commit(batch)
    finally:
        await health.stop()
        bridge.trust.close()
        bridge._statistics.close()
        bridge._outbox.close()

    assert status["state"] == "degraded"
    stores = {store["store"]: store for store in status["stores"]}
    assert sorted(stores) == ["statistics", "trust"]
    for name, path in (("trust", site.trust.store_path), ("statistics", site.counting.store_path)):
        [aside] = stores[name]["moved_aside"]
        assert aside.startswith(f"{path.name}.corrupt-")
        assert (path.parent / aside).read_bytes() == damaged[name]
        assert f"{name} store was damaged: kept as {aside}, a fresh one started" in status["problems"]
        with closing(sqlite3.connect(path)) as db:
            assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
