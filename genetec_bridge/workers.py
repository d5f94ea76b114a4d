"""Named thread pools for the bridge's blocking work, so that one kind of work never waits behind another.

The event loop does no heavy work: SQLite commits, file appends, password hashes, image decoding and
statistics run in a `WorkerPool`. Each store has a pool of its own with one thread (its writer: writes
to it are serialised and in order, and a slow store holds up nobody else), and the configuration box has
its own bounded pool, so that a person's requests never delay an alert. The loop's shared default pool
(`asyncio.to_thread`) is left to joining the camera readers' threads when they stop, which touches no store.
"""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class WorkerPool:
    """A named pool of `threads` threads whose work is awaited from the event loop."""

    def __init__(self, name: str, threads: int = 1) -> None:
        self.name = name
        self.threads = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `function(*args, **kwargs)` on one of the pool's threads and return (or raise) its outcome."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args, **kwargs))

    def close(self) -> None:
        """Let the work already handed over finish, then end the threads."""
        self._executor.shutdown(wait=True)
