"""The bridge's end of the daemon link: frames into shared memory, references and configs over the
socket, results back to an async callback.

Camera readers call `submit` from their own threads; everything touching the socket runs on the
event loop. Rings belong to the bridge and outlive daemon restarts: a restarted daemon is sent the
configuration and the rings again at its connection.

Nothing the daemon produced is dropped. The link reads every message as it comes, whatever the
handler's pace: results wait in a backlog and are handed to the callback one after the other, in
order. Back-pressure falls on the frames instead: while RESULTS_WAITING results wait, `submit` drops
new frames (counted in the camera's `dropped`), so the daemon is sent nothing more to answer and the
backlog stays within RESULTS_WAITING plus the frames already in flight. When the link ends (the
daemon exited, was killed, or the socket broke), what was read is handed on before `serve` returns.
Frames go out on a descriptor of their own (a duplicate of the socket's): a frame sent to a daemon
that has just exited fails alone, and the reading side still reads what the daemon wrote before it
went, to the end of stream. A result whose handling fails is logged, and the next one handled.
The stall clock (`unanswered_since`) runs only while the daemon owes a result and none is waiting:
a bridge that is slow to store results never makes a healthy daemon look stalled.

A daemon that writes more than it was asked for (a bug, or the lab's stand-in, which answers no frame)
would grow the backlog without bound: past BACKLOG_LIMIT waiting results the link stops reading until
the handler has caught up to half of it, and the socket holds the daemon back. Nothing is dropped (the
results wait in the socket), and the results waiting keep the stall clock stopped meanwhile.
"""

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from analytics.config.camera import AnalyticsSite
from analytics.link.framing import LinkClosed, encode, read_message
from analytics.link.link_messages import (
    FROM_DAEMON,
    Configure,
    FrameReady,
    FrameResult,
    Hello,
    InferenceState,
    LinkError,
    ReconfigureCamera,
    RingAttach,
)
from analytics.link.shared_frames import FrameRing
from genetec_bridge.ingest.captured_frame import CapturedFrame

log = logging.getLogger(__name__)

# Frame references waiting in the socket's send buffer beyond this mean the daemon stopped reading:
# further frames are dropped rather than buffered without bound (the supervisor notices the stall).
MAX_UNSENT_BYTES = 256 * 1024
# Shared-memory slots of a camera's frame ring.
SLOTS_PER_CAMERA = 4
# Results read but not yet handled (their events stored) beyond which new frames are dropped at
# submit: a slow disk holds up the cameras' frames, never the daemon's results.
RESULTS_WAITING = 256
# Waiting results beyond which the link stops reading (see the module docstring): far above what the
# frames in flight can bring, a few MB of results.
BACKLOG_LIMIT = 16 * RESULTS_WAITING


@dataclass(slots=True)
class CameraCounters:
    """Frames of one camera; updated from its reader thread and from the event loop."""

    submitted: int = 0
    analysed: int = 0
    detected: int = 0
    dropped: int = 0
    # Monotonic time of the last result: a camera whose results stopped (daemon stalled, crash-looping)
    # must not look healthy because its stream still arrives.
    last_result_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, submitted: int = 0, analysed: int = 0, dropped: int = 0, detected: int = 0) -> None:
        with self._lock:
            self.submitted += submitted
            self.analysed += analysed
            self.detected += detected
            self.dropped += dropped
            if analysed:
                self.last_result_at = time.monotonic()

    def last_result_age_s(self) -> float | None:
        """Seconds since the daemon's last result for this camera; None before any."""
        at = self.last_result_at
        return None if at is None else round(time.monotonic() - at, 1)


class _SendOnly(asyncio.StreamReaderProtocol):
    """The sending side of the link, on a descriptor of its own: the other descriptor reads."""

    def __init__(self) -> None:
        super().__init__(asyncio.StreamReader())

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        assert isinstance(transport, asyncio.ReadTransport)
        transport.pause_reading()  # before the loop ever watches this descriptor for reading


async def _sending_side(link: asyncio.StreamWriter) -> asyncio.StreamWriter:
    """A writer on a duplicate of the link's socket. A frame sent to a daemon that is gone fails, and
    the failure closes the transport it was sent on; on a descriptor of its own it leaves the
    reading side to read the daemon's last results to the end of stream."""
    linked = link.get_extra_info("socket")
    duplicate = socket.fromfd(linked.fileno(), linked.family, linked.type)
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_unix_connection(_SendOnly, sock=duplicate)
    return asyncio.StreamWriter(transport, protocol, None, loop)


class DaemonClient:
    def __init__(
        self,
        site: AnalyticsSite,
        on_result: Callable[[FrameResult], Awaitable[None]],
    ) -> None:
        self._configure = Configure(site=AnalyticsSite(schedules=site.schedules, cameras=site.cameras))
        self._on_result = on_result
        self._rings: dict[str, FrameRing] = {}
        self._ring_locks = {camera.id: threading.Lock() for camera in site.cameras}
        self.counters = {camera.id: CameraCounters() for camera in site.cameras}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writer: asyncio.StreamWriter | None = None  # frames and configurations go out here
        self._link: asyncio.StreamWriter | None = None  # the connection's own side, that reads
        self.hello: Hello | None = None
        self.inference: InferenceState | None = None
        self.last_error: str | None = None
        self._unanswered_since: float | None = None
        # Results read and not yet handled; an int, so a reader thread may look at it without a lock.
        self._waiting = 0
        self._room = asyncio.Event()  # set while the backlog has room: reading goes on

    @property
    def waiting(self) -> int:
        """Results read and not yet handled."""
        return self._waiting

    @property
    def connected(self) -> bool:
        return self._writer is not None

    def reconfigure(self, site: AnalyticsSite, changed: list[str]) -> None:
        """Send the `changed` cameras' new configuration (none for a removed camera); a daemon that
        connects later gets the whole new configuration."""
        self._configure = Configure(site=AnalyticsSite(schedules=site.schedules, cameras=site.cameras))
        cameras = {camera.id: camera for camera in site.cameras}
        for camera_id in cameras:
            self._ring_locks.setdefault(camera_id, threading.Lock())
            self.counters.setdefault(camera_id, CameraCounters())
        writer = self._writer
        if writer is None:
            return
        for camera_id in changed:
            writer.write(
                encode(
                    ReconfigureCamera(
                        camera_id=camera_id, camera=cameras.get(camera_id), schedules=site.schedules
                    )
                )
            )

    def submit(self, captured: CapturedFrame) -> None:
        """Hand a frame to the daemon; called from a reader thread. Never blocks on the daemon."""
        counters = self.counters[captured.camera_id]
        loop = self._loop
        if loop is None or self._writer is None or self._waiting >= RESULTS_WAITING:
            counters.add(submitted=1, dropped=1)
            return
        counters.add(submitted=1)
        image = captured.image
        with self._ring_locks[captured.camera_id]:
            ring = self._rings.get(captured.camera_id)
            new_ring = None
            if ring is None or not ring.fits(image):
                # Sized for this frame; a larger stream later gets a new ring. The old segment stays
                # mapped in the daemon until it attaches the new one, so closing it here is safe.
                new_ring = FrameRing(SLOTS_PER_CAMERA, image.nbytes)
                self._rings[captured.camera_id] = new_ring
                if ring is not None:
                    ring.close()
                ring = new_ring
            slot = ring.write(image, captured.frame)
            reference = FrameReady(
                camera=captured.camera_id,
                slot=slot,
                shape=image.shape,
                frame=captured.frame,
                time_s=captured.time_s,
                captured_at=captured.captured_at,
            )
            attach = self._attach_message(captured.camera_id, new_ring) if new_ring else None
        loop.call_soon_threadsafe(self._send_frame, reference, attach)

    def _attach_message(self, camera: str, ring: FrameRing) -> RingAttach:
        return RingAttach(camera=camera, name=ring.name, slots=ring.slots, slot_bytes=ring.slot_bytes)

    def _send_frame(self, reference: FrameReady, attach: RingAttach | None) -> None:
        writer = self._writer
        if attach is not None and writer is not None:
            writer.write(encode(attach))
        if (
            writer is None
            or writer.is_closing()
            or writer.transport.get_write_buffer_size() > MAX_UNSENT_BYTES
        ):
            self.counters[reference.camera].add(dropped=1)
            return
        writer.write(encode(reference))
        if self._unanswered_since is None:
            self._unanswered_since = asyncio.get_running_loop().time()

    def unanswered_since(self) -> float | None:
        """Loop time of the first frame sent after the last result, or None when all were answered or
        results still wait to be handled (the daemon did its part; the bridge is behind)."""
        return None if self._waiting else self._unanswered_since

    async def serve(self, reader: asyncio.StreamReader, link: asyncio.StreamWriter) -> None:
        """Run one connection: configure the daemon, then read until the link ends (LinkClosed at its
        end of stream) and hand every result read on before returning or raising."""
        hello = await read_message(reader, FROM_DAEMON)
        if not isinstance(hello, Hello):
            raise LinkClosed(f"daemon refused the connection: {getattr(hello, 'message', hello)}")
        self.hello = hello
        self._unanswered_since = None
        self._waiting = 0  # a bridge stopping may have left a previous connection's count behind
        self._loop = asyncio.get_running_loop()
        self._link = link
        try:
            writer = await _sending_side(link)
            try:
                writer.write(encode(self._configure))
                for camera, ring in list(self._rings.items()):
                    writer.write(encode(self._attach_message(camera, ring)))
                await writer.drain()
                log.info("daemon connected (pid %d, %s, batch %d)", hello.pid, hello.device, hello.batch_size)
                await self._deliver(reader, writer)
            finally:
                writer.close()
        finally:
            self._link = None
            link.close()

    async def _deliver(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Frames go out on `writer`; every message is read as it comes, results into the backlog."""
        # Unbounded here: submit bounds it, by sending no frame while RESULTS_WAITING results wait.
        backlog: asyncio.Queue[FrameResult | None] = asyncio.Queue()
        self._room.set()
        handling = asyncio.create_task(self._handle(backlog))
        self._writer = writer
        try:
            while True:
                message = await read_message(reader, FROM_DAEMON)
                if isinstance(message, FrameResult):
                    self._count(message)
                    self._waiting += 1
                    backlog.put_nowait(message)
                elif isinstance(message, InferenceState):
                    self._inference(message)
                elif isinstance(message, LinkError):
                    self.last_error = message.message
                    log.warning("daemon: %s", message.message)
                # A buffered link yields no message-free wait: without this the loop would read a whole
                # burst (megabytes) before a health probe or the result handler got a turn.
                await asyncio.sleep(0)
                if self._waiting >= BACKLOG_LIMIT:
                    self._room.clear()
                    await self._room.wait()
        finally:
            self._writer = None
            # What was read is handed on before the link is given up: its events must reach the
            # outbox. Cancelling serve again (the bridge stopping) cancels the handler with it.
            backlog.put_nowait(None)
            await handling

    def _inference(self, state: InferenceState) -> None:
        previous, self.inference = self.inference, state
        if state.available != (previous.available if previous else True):
            if state.available:
                log.info("inference tier %s (%s) answers", state.tier, state.target)
            else:
                log.warning(
                    "inference tier %s (%s) unavailable: %s", state.tier, state.target, state.last_error
                )
        # The daemon is alive and retrying: a tier outage must not read as a stalled daemon (a
        # restart would not bring Triton back). Frames sent meanwhile are dropped by the daemon.
        self._unanswered_since = None

    def _count(self, result: FrameResult) -> None:
        counters = self.counters.get(result.camera)
        if counters is not None:
            counters.add(analysed=1, dropped=result.dropped, detected=int(result.detected))
        self._unanswered_since = None

    async def _handle(self, backlog: "asyncio.Queue[FrameResult | None]") -> None:
        """One result after the other, in order, until the end mark (None): each event is durable in
        the outbox before the bridge acts on anything that follows it."""
        while (result := await backlog.get()) is not None:
            try:
                await self._on_result(result)
            except Exception:  # one result's failure must not lose the results behind it
                log.exception("handling the result of camera %s frame %d failed", result.camera, result.frame)
            finally:
                self._waiting -= 1
                if self._waiting <= BACKLOG_LIMIT // 2:
                    self._room.set()
            await asyncio.sleep(0)  # a result with no event awaits nothing: let the loop breathe between

    def abort(self) -> None:
        """End the link now, unsent frames and all (a stalled daemon the bridge cannot stop): reading
        ends with what had arrived, which `serve` still hands on."""
        if self._link is not None:
            self._link.transport.abort()

    def close(self) -> None:
        """Remove the shared-memory rings (the bridge is stopping)."""
        for camera, ring in list(self._rings.items()):
            with self._ring_locks[camera]:
                ring.close()
                del self._rings[camera]
