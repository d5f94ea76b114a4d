"""The writer of a store that must not hold up alerts: writes wait in a bounded queue while the store
fails, are reported by name, and are done in order, once each, when it accepts them again."""

import asyncio
import sqlite3
import threading
from collections.abc import Callable

from genetec_bridge.store_health import StoreHealth
from genetec_bridge.store_writer import StoreWriter


async def test_writes_wait_in_a_bounded_queue_while_the_store_fails_then_are_done_once_in_order() -> None:
    health = StoreHealth()
    writer = StoreWriter("trust", health, capacity=3, retry=(0.01, 0.05))
    full = True
    done: list[int] = []
    threads: set[str] = set()

    def write(index: int) -> None:
        threads.add(threading.current_thread().name)
        if full:
            raise sqlite3.OperationalError("database or disk is full")
        done.append(index)

    task = asyncio.create_task(writer.run())
    for index in range(5):
        writer.submit(lambda index=index: write(index))  # type: ignore[misc]
    await asyncio.sleep(0.2)
    [problem] = health.problems()
    assert (problem.store, problem.error) == ("trust", "database or disk is full")
    assert problem.failures >= 2 and writer.dropped == 2 and writer.pending == 3 and done == []

    full = False
    await asyncio.wait_for(_until(lambda: len(done) == 3), 10)
    task.cancel()
    writer.pool.close()
    assert done == [0, 1, 2], "the queue's writes, once each, in order; the two past its bound dropped"
    assert health.problems()[0].error is None
    assert all(name.startswith("trust") for name in threads)


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.01)
