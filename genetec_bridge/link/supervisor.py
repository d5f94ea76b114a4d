"""Keep an analytics daemon connected: start it (or reach the one systemd runs), notice when it dies
or stalls, report it, restart it with back-off, and resume.

A managed daemon is the bridge's child, started with --exit-on-disconnect so that it never
outlives the bridge's link. Its death shows at once as end of stream on the socket; a daemon that
stays silent for `stall_s` while it owes results and the bridge is reading is killed (one the bridge
does not manage is cut off). Whichever way a life ends, the link is read to its end and every result
in it handed on before the next life starts: a restart never drops what the daemon produced.

The child gets a minimal environment (`daemon_environment`): the bridge's holds the Security Center
and RTSP passwords when the site file reads them from `{ env = ... }`, and the daemon needs none.
Failures other than a lost daemon end `run`; the bridge runs it under `Loops`, which restarts it.
"""

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from analytics.daemon.inference_choice import InferenceChoice
from analytics.link.framing import LinkClosed, open_link
from genetec_bridge.backoff import Backoff
from genetec_bridge.health.status import DaemonStatus, InferenceStatus
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.supervision import Clock

log = logging.getLogger(__name__)

# What the daemon may inherit: locale and search paths, the product's state and asset locations,
# systemd's directories, the accelerator's libraries and devices, thread limits. Nothing else.
DAEMON_ENVIRONMENT = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "HOME",
    "TMPDIR",
    "XDG_CACHE_HOME",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "LD_LIBRARY_PATH",
    "CUDA_VISIBLE_DEVICES",
    "OMP_NUM_THREADS",
    "STATE_DIRECTORY",
    "RUNTIME_DIRECTORY",
    "CACHE_DIRECTORY",
    "GENETEC_ANALYTICS_STATE_DIR",
    "GENETEC_ANALYTICS_ASSETS",
    "GENETEC_ANALYTICS_MODEL",
)


def daemon_environment(environment: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The variables of `environment` the daemon needs, and only those (never a password)."""
    return {name: environment[name] for name in DAEMON_ENVIRONMENT if name in environment}


@dataclass(frozen=True, slots=True)
class DaemonLaunch:
    """How to reach the daemon; `managed` = start it as a child with these options."""

    socket_path: Path
    managed: bool = True
    model: Path | None = None
    device: str = "auto"
    batch_size: int = 8
    inference: InferenceChoice = field(default_factory=InferenceChoice)
    start_timeout_s: float = 120.0  # model loading, and a TensorRT engine build on first start
    stall_s: float = 30.0
    stall_check_s: float = 1.0  # how often the stall watch looks (a simulation looks less often)

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "analytics.cli", "daemon", "--socket", str(self.socket_path)]
        command += ["--device", self.device, "--batch-size", str(self.batch_size), "--exit-on-disconnect"]
        tier = self.inference
        command += ["--inference", tier.tier, "--inference-timeout", str(tier.timeout_s)]
        command += ["--retry-max", str(tier.retry_max_s)]
        if tier.tier == "triton":
            return [*command, "--triton-url", tier.triton_url, "--triton-model", tier.triton_model]
        return command + (["--model", str(self.model)] if self.model else [])


class DaemonSupervisor:
    def __init__(
        self,
        client: DaemonClient,
        launch: DaemonLaunch,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._launch = launch
        self._clock = clock
        self._sleep = sleep
        self._backoff = Backoff(initial_s=1.0, max_s=30.0)
        self._process: asyncio.subprocess.Process | None = None
        self.restarts = 0
        self.last_error: str | None = None
        self._inference_s: float | None = None

    def status(self) -> DaemonStatus:
        hello = self._client.hello
        connected = self._client.connected
        tier = self._client.inference
        return DaemonStatus(
            connected=connected,
            restarts=self.restarts,
            pid=self._process.pid if self._process else (hello.pid if hello and connected else None),
            inference_latency_s=self._inference_s,
            inference=InferenceStatus(**tier.model_dump(exclude={"type"})) if tier and connected else None,
            last_error=self.last_error or self._client.last_error,
        )

    def note_inference(self, seconds: float) -> None:
        """Keep a recent mean of the detector time per batch (exponential, ~20 batches)."""
        previous = self._inference_s
        self._inference_s = seconds if previous is None else previous + (seconds - previous) / 20

    async def run(self) -> None:
        """Forever (until cancelled): one daemon life per iteration."""
        try:
            while True:
                began = self._clock()
                try:
                    await self._one_life()
                except (OSError, LinkClosed, TimeoutError, ValidationError) as error:
                    self.last_error = str(error) or type(error).__name__
                await self._end_life()
                self.restarts += 1
                if self._clock() - began > 60:
                    self._backoff.reset()  # it ran well for a while: this is a new failure, not a loop
                delay = self._backoff.next_delay()
                log.warning("daemon lost (%s); restart %d in %.1f s", self.last_error, self.restarts, delay)
                await self._sleep(delay)
        finally:
            await self._end_life()

    async def _one_life(self) -> None:
        """Start (or reach) the daemon and serve it; always ends with the exception that ended it,
        once the link has been read to its end and every result in it handled."""
        if self._launch.managed:
            self._launch.socket_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._process = await asyncio.create_subprocess_exec(
                *self._launch.command(), env=daemon_environment()
            )
            log.info("daemon started (pid %d)", self._process.pid)
        reader, writer = await self._connect()
        self.last_error = None
        serving = asyncio.create_task(self._client.serve(reader, writer))
        try:
            ended = await self._life_end(serving)
            try:
                await serving  # to the link's end of stream, every result read handed on
            except LinkClosed:
                if ended is None:
                    raise
            raise ended or LinkClosed("daemon closed the link")
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)

    async def _life_end(self, serving: "asyncio.Task[None]") -> Exception | None:
        """Wait until the link ends by itself (None), the child exits, or the daemon stalls; a stalled
        daemon is stopped, so that the link ends too. Returns what ended the life."""
        stalled = asyncio.create_task(self._watch_stall())
        watchers: list[asyncio.Task[object]] = [stalled]
        if self._process is not None:
            watchers.append(asyncio.create_task(self._process.wait()))
        try:
            done, _ = await asyncio.wait([serving, *watchers], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in watchers:
                task.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
        if stalled in done:
            silent = f"daemon gave no result for {self._launch.stall_s:.0f} s"
            if self._process is not None:
                await self._end_life()  # its end of the link closes with it: what it wrote is still read
                return TimeoutError(f"{silent}; killed")
            self._client.abort()  # silent for stall_s while the bridge read: nothing is left unread
            return TimeoutError(f"{silent}; link cut")
        if self._process is not None and self._process.returncode is not None:
            return LinkClosed(f"daemon exited with status {self._process.returncode}")
        return None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Connect once the daemon listens (it loads its model first)."""
        deadline = self._clock() + self._launch.start_timeout_s
        while True:
            if self._process is not None and self._process.returncode is not None:
                raise LinkClosed(f"daemon exited with status {self._process.returncode} before serving")
            try:
                return await open_link(str(self._launch.socket_path))
            except OSError as error:
                if self._clock() > deadline:
                    raise TimeoutError(f"no daemon on {self._launch.socket_path}: {error}") from error
            await asyncio.sleep(0.2)

    async def _watch_stall(self) -> None:
        """Returns when frames are being sent but no result came for stall_s."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self._launch.stall_check_s)  # the loop's clock, as loop.time() below
            waiting_since = self._client.unanswered_since()
            if waiting_since is not None and loop.time() - waiting_since > self._launch.stall_s:
                return

    async def _end_life(self) -> None:
        """Stop the child, politely first."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10.0)
        except TimeoutError:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
