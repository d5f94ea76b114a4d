"""The daemon's socket server: one bridge at a time, frames in, results out.

The reading side never blocks on the detector: frame references only replace the camera's pending
one (see batching), while workers take batches and answer with results. Two batches are analysed at
once, so the detector's threads are fed the next frames while the last ones are tracked and their
results written (one at a time left the cores a third idle, measured on 2 cores).
"""

import asyncio
import contextlib
import logging
import os
import socket
import stat
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path

from pydantic import ValidationError

from analytics.daemon.analyser import Analysed, Analyser
from analytics.daemon.batching import PendingFrames
from analytics.detection import InferenceUnavailable, TierState
from analytics.link.framing import MAX_LINE_BYTES, LinkClosed, encode, read_message
from analytics.link.link_messages import (
    TO_DAEMON,
    Configure,
    FrameReady,
    FrameResult,
    Hello,
    InferenceState,
    LinkError,
    ReconfigureCamera,
    RingAttach,
    TrackBox,
)

log = logging.getLogger(__name__)

BATCHES_IN_FLIGHT = 2


class SocketPathError(RuntimeError):
    """The socket cannot be served safely where it was asked for."""


def prepare_socket_path(path: Path) -> None:
    """Make sure `path` lies in a directory only this user can enter, and is free to bind."""
    directory = path.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077:
        raise SocketPathError(
            f"{directory} is open to other users (mode {mode:04o}); the daemon's socket needs a 0700 directory"
        )
    if not path.exists():
        return
    if not stat.S_ISSOCK(path.stat().st_mode):
        raise SocketPathError(f"{path} exists and is not a socket")
    with socket.socket(socket.AF_UNIX) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # left behind by a daemon that did not stop cleanly
            return
    raise SocketPathError(f"another daemon is already serving {path}")


def _state_message(state: TierState) -> InferenceState:
    return InferenceState(
        tier=state.tier,
        target=state.target,
        available=state.available,
        failures=state.failures,
        last_error=state.last_error,
    )


class _Session:
    """One connected bridge."""

    def __init__(
        self,
        analyser: Analyser,
        batch_size: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tier_state: Callable[[], TierState],
    ) -> None:
        self._analyser = analyser
        self._tier_state = tier_state
        self._batch_size = batch_size
        self._reader = reader
        self._writer = writer
        self._pending = PendingFrames()
        # A camera's configuration or ring must not change while a batch holds it: a change takes the
        # lock, which holds new batches back, and waits for the batches under analysis that hold its
        # cameras (`_busy`) to finish; a new camera's ring waits for nothing.
        self._lock = asyncio.Lock()
        self._busy: set[str] = set()
        self._freed = asyncio.Event()
        self._refused: set[str] = set()
        self._reported_failing = False
        self._loop = asyncio.get_running_loop()

    async def run(self, hello: Hello) -> None:
        self._writer.write(encode(hello))
        self._writer.write(encode(_state_message(self._tier_state())))
        workers = [asyncio.create_task(self._work()) for _ in range(BATCHES_IN_FLIGHT)]
        failed = asyncio.create_task(self._first_failure(workers))
        try:
            await self._receive(failed)
        finally:
            for task in (*workers, failed):
                task.cancel()
            for task in (*workers, failed):
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @staticmethod
    async def _first_failure(workers: list[asyncio.Task[None]]) -> None:
        """Ends when a worker does (they end only on an error), with that worker's error."""
        done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_COMPLETED)
        await next(iter(done))

    @contextlib.asynccontextmanager
    async def _between_batches(self, cameras: set[str] | None = None) -> AsyncIterator[None]:
        """While no batch under analysis holds one of `cameras` (None: any camera)."""
        async with self._lock:
            while self._busy if cameras is None else self._busy & cameras:
                self._freed.clear()
                await self._freed.wait()
            yield

    async def _receive(self, failed: asyncio.Task[None]) -> None:
        while not failed.done():
            try:
                message = await read_message(self._reader, TO_DAEMON)
            except LinkClosed:
                return
            except ValidationError as error:
                self._writer.write(encode(LinkError(message=f"refused message: {error}")))
                continue
            if isinstance(message, FrameReady):
                self._frame(message)
            elif isinstance(message, Configure):
                async with self._between_batches():
                    self._analyser.configure(message.site)
                self._refused.clear()
                log.info("configured %d camera(s)", len(message.site.cameras))
            elif isinstance(message, ReconfigureCamera):
                async with self._between_batches({message.camera_id}):
                    self._analyser.reconfigure(message)
                self._refused.discard(message.camera_id)
                log.info("reconfigured camera %s", message.camera_id)
            elif isinstance(message, RingAttach):
                async with self._between_batches({message.camera}):
                    try:
                        self._analyser.attach(message)
                    except (OSError, ValueError) as error:
                        self._writer.write(encode(LinkError(message=f"ring of {message.camera}: {error}")))
        # A worker ended on an error: let it surface.
        await failed

    def close(self) -> None:
        self._writer.close()

    def _frame(self, frame: FrameReady) -> None:
        if self._analyser.ready_for(frame.camera):
            self._pending.add(frame)
        elif frame.camera not in self._refused:
            self._refused.add(frame.camera)
            self._writer.write(
                encode(
                    LinkError(message=f"frames for camera {frame.camera} before its configuration and ring")
                )
            )

    def _keep_trying(self, cameras: set[str]) -> bool:
        return not self._writer.is_closing() and not self._pending.waiting_for(cameras)

    def _report(self, _error: InferenceUnavailable) -> None:
        """From an analysis thread: the socket belongs to the event loop."""
        self._reported_failing = True
        self._loop.call_soon_threadsafe(self._writer.write, encode(_state_message(self._tier_state())))

    async def _next_batch(self) -> list[FrameReady]:
        """Frames of cameras ready for analysis and not under analysis; their cameras become busy."""
        while True:
            async with self._lock:
                batch = self._pending.take(self._batch_size, self._busy)
                ready = [frame for frame in batch if self._analyser.ready_for(frame.camera)]
                if ready:
                    self._busy.update(frame.camera for frame in ready)
                    return ready
            if not batch:
                await self._pending.wait()

    async def _work(self) -> None:
        while True:
            ready = await self._next_batch()
            cameras = {frame.camera for frame in ready}
            try:
                outcome = await asyncio.to_thread(
                    self._analyser.analyse,
                    ready,
                    # Retry while nothing newer of these cameras waits; else drop for the present.
                    partial(self._keep_trying, cameras),
                    self._report,
                    self._send_soon,
                )
            finally:
                self._busy -= cameras
                self._freed.set()
                self._pending.released()
            if self._reported_failing and self._tier_state().available:
                self._reported_failing = False
                self._writer.write(encode(_state_message(self._tier_state())))
            for frame in outcome.lost:
                self._pending.count_dropped(frame.camera)
            await self._writer.drain()

    def _send_soon(self, done: Analysed) -> None:
        """From an analysis thread: the frame's result goes out at once, not after its batch."""
        self._loop.call_soon_threadsafe(lambda: self._writer.write(encode(self._result(done))))

    def _result(self, done: Analysed) -> FrameResult:
        frame = done.frame
        return FrameResult(
            camera=frame.camera,
            frame=frame.frame,
            time_s=frame.time_s,
            captured_at=frame.captured_at,
            dropped=self._pending.take_dropped(frame.camera),
            counts=done.counts,
            detected=done.detected,
            stage_cpu_s=done.stage_cpu_s,
            objects=[
                TrackBox(track_id=o.track_id, class_name=o.class_name, box=o.box, score=o.score)
                for o in done.tracks.objects
            ],
            signals={label: state.value for label, state in done.tracks.signals.items()},
            events=done.events,
            inference_s=done.inference_s,
        )


class DaemonServer:
    def __init__(
        self,
        analyser: Analyser,
        *,
        batch_size: int,
        device: str,
        tier_state: Callable[[], TierState],
        exit_on_disconnect: bool = False,
    ) -> None:
        self._analyser = analyser
        self._tier_state = tier_state
        self._batch_size = batch_size
        self._device = device
        self._exit_on_disconnect = exit_on_disconnect
        self._stop = asyncio.Event()
        self._session: _Session | None = None
        self._session_task: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None

    def stop(self) -> None:
        self._stop.set()

    async def serve(self, path: Path) -> None:
        """Serve on `path` (see prepare_socket_path) until `stop()`, or the bridge leaves with
        exit_on_disconnect; re-raises an analysis failure."""
        server = await asyncio.start_unix_server(self._connection, path=str(path), limit=MAX_LINE_BYTES)
        os.chmod(path, 0o600)
        log.info(
            "analytics daemon listening on %s (device %s, batch %d)", path, self._device, self._batch_size
        )
        try:
            await self._stop.wait()
        finally:
            server.close()
            if self._session is not None and self._session_task is not None:
                # Closing the socket ends the session as a bridge leaving would; cancelling the
                # handler instead makes asyncio log it as an error.
                self._session.close()
                await self._session_task
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            self._analyser.close()
        if self._failure is not None:
            raise self._failure

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._session is not None:
            writer.write(encode(LinkError(message="another bridge is already connected")))
            writer.close()
            return
        log.info("bridge connected")
        self._session_task = asyncio.current_task()
        self._session = _Session(self._analyser, self._batch_size, reader, writer, self._tier_state)
        try:
            await self._session.run(Hello(pid=os.getpid(), device=self._device, batch_size=self._batch_size))
            log.info("bridge disconnected")
            if self._exit_on_disconnect:
                self._stop.set()
        except Exception as error:
            log.exception("analysis failed")
            self._failure = error
            self._stop.set()
        finally:
            self._session = self._session_task = None
            writer.close()
