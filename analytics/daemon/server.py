"""The daemon's socket server: one bridge at a time, frames in, results out.

The reading side never blocks on the detector: frame references only replace the camera's pending
one (see batching), while a single worker takes batches and answers with results.
"""

import asyncio
import contextlib
import logging
import os
import socket
import stat
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pydantic import ValidationError

from analytics.daemon.analyser import Analyser
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
        # Configuration changes and batches must not interleave: the batch runs in a worker thread.
        self._lock = asyncio.Lock()
        self._refused: set[str] = set()

    async def run(self, hello: Hello) -> None:
        self._writer.write(encode(hello))
        self._writer.write(encode(_state_message(self._tier_state())))
        worker = asyncio.create_task(self._work())
        try:
            await self._receive(worker)
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def _receive(self, worker: asyncio.Task[None]) -> None:
        while not worker.done():
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
                async with self._lock:
                    self._analyser.configure(message.site)
                self._refused.clear()
                log.info("configured %d camera(s)", len(message.site.cameras))
            elif isinstance(message, ReconfigureCamera):
                async with self._lock:
                    self._analyser.reconfigure(message)
                self._refused.discard(message.camera_id)
                log.info("reconfigured camera %s", message.camera_id)
            elif isinstance(message, RingAttach):
                async with self._lock:
                    try:
                        self._analyser.attach(message)
                    except (OSError, ValueError) as error:
                        self._writer.write(encode(LinkError(message=f"ring of {message.camera}: {error}")))
        # The worker ended on an error: let it surface.
        await worker

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

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()

        reported_failing = False

        def report(_error: InferenceUnavailable) -> None:
            nonlocal reported_failing
            reported_failing = True
            # From the analysis thread: the socket belongs to the event loop.
            message = encode(_state_message(self._tier_state()))
            loop.call_soon_threadsafe(self._writer.write, message)

        while True:
            await self._pending.wait()
            async with self._lock:
                batch = self._pending.take(self._batch_size)
                ready = [frame for frame in batch if self._analyser.ready_for(frame.camera)]
                cameras = {frame.camera for frame in ready}
                outcome = await asyncio.to_thread(
                    self._analyser.analyse,
                    ready,
                    # Retry while nothing newer of these cameras waits; else drop for the present.
                    partial(self._keep_trying, cameras),
                    report,
                )
            if reported_failing and self._tier_state().available:
                reported_failing = False
                self._writer.write(encode(_state_message(self._tier_state())))
            for frame in outcome.lost:
                self._pending.count_dropped(frame.camera)
            for done in outcome.analysed:
                frame = done.frame
                result = FrameResult(
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
                    inference_s=outcome.inference_s,
                )
                self._writer.write(encode(result))
            await self._writer.drain()


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
