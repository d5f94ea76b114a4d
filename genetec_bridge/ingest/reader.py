"""One Media Gateway reader per camera: RTSP in, paced, downscaled, masked frames out.

Each reader owns a thread, so a camera whose read blocks (cv2 reads block until a frame or the read
timeout) never delays another. A reader that fails to open, loses its stream, or receives no frame
for `stall_timeout_s` (the watchdog: the FFmpeg read timeout) releases the capture and reopens it
after an exponential back-off with jitter, forever, until stopped. Anything unexpected (a cv2.error,
a failure preparing a frame) ends the reader's loop, which `Loops` logs, counts and restarts.

Over RTSPS the connection that streams verifies the Media Gateway's certificate itself (FFmpeg's TLS
options, see rtsps_certificate.py); an open that fails is explained by a handshake of the bridge's own,
so `last_error` names a certificate problem rather than a bare "cannot open".

OpenCV's FFmpeg backend takes its options from one process-wide environment variable, read at each
open (`open_capture`, the readers and the box's snapshot): opens with the same options run together,
an open with other options (another gateway's CA file) waits until none is in flight, so no open
reads options meant for another. OpenCV already runs opens one at a time (a process-wide mutex, about
a second each here), so this waiting costs nothing more.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import cv2
import numpy as np

from analytics.config.camera import CameraConfig
from genetec_bridge.backoff import Backoff
from genetec_bridge.config.site import MediaGatewayConfig, SiteConfig
from genetec_bridge.health.status import CameraStatus
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.ingest.pacing import Pacer
from genetec_bridge.ingest.preprocess import prepare_image
from genetec_bridge.ingest.rtsp_url import camera_url
from genetec_bridge.ingest.rtsps_certificate import CertificateNotVerified, RtspsCertificateCheck, RtspsTls
from genetec_bridge.redaction import redact_credentials
from genetec_bridge.supervision import Clock, Loops

log = logging.getLogger(__name__)

FrameSink = Callable[[CapturedFrame], None]
"""Takes a frame from the reader's thread; must not block (queue it, or drop it and count that)."""


@dataclass(frozen=True)
class ReaderSettings:
    transport: str = "tcp"
    max_width: int = 960
    open_timeout_s: float = 10.0
    stall_timeout_s: float = 10.0
    # A connection that streamed this long is healthy again: its next failure restarts the back-off.
    stable_after_s: float = 10.0
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 30.0


_OPTIONS_VARIABLE = "OPENCV_FFMPEG_CAPTURE_OPTIONS"


class _CaptureOptions:
    """The variable OpenCV's FFmpeg backend reads its options from, shared by every open of the process."""

    def __init__(self) -> None:
        self._idle = threading.Condition()
        self._value: str | None = None
        self._opening = 0

    @contextmanager
    def set_to(self, value: str) -> Iterator[None]:
        with self._idle:
            # Changed only while no open is in flight: one may be reading it (getenv) in C.
            self._idle.wait_for(lambda: self._opening == 0 or self._value == value)
            if self._value != value:
                os.environ[_OPTIONS_VARIABLE] = value
                self._value = value
            self._opening += 1
        try:
            yield
        finally:
            with self._idle:
                self._opening -= 1
                self._idle.notify_all()


_capture_options = _CaptureOptions()


def ffmpeg_option_text(options: dict[str, str]) -> str:
    """`key;value|key;value`, as OpenCV hands it to FFmpeg's av_dict_parse_string."""
    return "|".join(f"{_escaped(key)};{_escaped(value)}" for key, value in options.items())


def _escaped(text: str) -> str:
    # A CA file's path may hold a separator, a quote or a space; FFmpeg's tokenizer takes backslash escapes.
    return "".join(f"\\{c}" if c in ";|\\' \t" else c for c in text)


def open_capture(url: str, transport: str, tls: RtspsTls | None, params: Sequence[int]) -> cv2.VideoCapture:
    """Blocking: an FFmpeg capture of `url` over `transport`, verifying an RTSPS certificate per `tls`."""
    # A short analysis keeps opens near a second.
    options = {"rtsp_transport": transport, "analyzeduration": "1000000"}
    if tls is not None:
        options |= tls.ffmpeg_options()
    with _capture_options.set_to(ffmpeg_option_text(options)):
        return cv2.VideoCapture(url, cv2.CAP_FFMPEG, list(params))


def certificate_problem(certificate: RtspsCertificateCheck | None) -> str | None:
    """Why an RTSPS open failed, when the bridge's own handshake finds the certificate at fault."""
    if certificate is not None:
        try:
            certificate.verify()
        except CertificateNotVerified as error:
            return str(error)
    return None


@dataclass
class _Counters:
    received: int = 0
    delivered: int = 0
    dropped: int = 0
    reconnects: int = 0
    opens: int = 0
    connected: bool = False
    last_frame_at: float | None = None  # monotonic
    last_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class CameraReader:
    def __init__(
        self,
        camera: CameraConfig,
        url: str,
        sink: FrameSink,
        settings: ReaderSettings | None = None,
        loops: Loops | None = None,
        clock: Clock = time.monotonic,
        certificate: RtspsCertificateCheck | None = None,
        tls: RtspsTls | None = None,
        pause: Callable[[float], object] | None = None,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`tls`: how an RTSPS stream verifies the certificate (None: plain RTSP); `certificate`: the
        handshake that explains a failed open. `clock`, `pause` (the back-off wait; default: wait on
        the stop event) and `wall_clock` (the capture time events carry) let a test run the reader in
        simulated time."""
        self.camera = camera
        self._url = url
        self._certificate = certificate
        self._tls = tls
        self._sink = sink
        self.settings = settings or ReaderSettings()
        self._backoff = Backoff(self.settings.backoff_initial_s, self.settings.backoff_max_s)
        self._counters = _Counters()
        self._clock = clock
        self._pause = pause
        self._wall_clock = wall_clock
        self._stop = threading.Event()
        self._loops = loops or Loops(clock=clock)
        self.loop_name = f"reader {camera.id}"
        self._loops.register(self.loop_name)
        self._thread = threading.Thread(
            target=self._loops.run_thread,
            args=(self.loop_name, self._run, self._stop),
            name=f"reader-{camera.id}",
            daemon=True,
        )
        self._first_frame_at: float | None = None

    @property
    def redacted_url(self) -> str:
        return redact_credentials(self._url)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float | None = None) -> None:
        """Ask the thread to end; it notices within one read (at most the stall timeout)."""
        self._stop.set()
        if self._thread.ident is None:
            return  # never started
        longest_call = max(self.settings.open_timeout_s, self.settings.stall_timeout_s)
        self._thread.join(longest_call + 1 if timeout_s is None else timeout_s)

    def status(self) -> CameraStatus:
        """Counters as CameraStatus; `frames_analysed` is the daemon's to fill."""
        c = self._counters
        with c.lock:
            age = None if c.last_frame_at is None else self._clock() - c.last_frame_at
            return CameraStatus(
                camera_id=self.camera.id,
                name=self.camera.name,
                # Judged from the frame age too, so a read stuck past the watchdog shows at once.
                streaming=c.connected and age is not None and age <= self.settings.stall_timeout_s,
                frames_received=c.received,
                frames_delivered=c.delivered,
                frames_dropped=c.dropped,
                last_frame_age_s=age,
                reconnects=c.reconnects,
                last_error=c.last_error,
            )

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._counters.lock:
                # Every open after the first is a reconnect, a restart by supervision included.
                if self._counters.opens:
                    self._counters.reconnects += 1
                self._counters.opens += 1
            capture = self._open()
            if capture is not None:
                try:
                    self._stream(capture)
                finally:
                    capture.release()
                    with self._counters.lock:
                        self._counters.connected = False
            if not self._stop.is_set():
                delay = self._backoff.next_delay()
                log.info("camera %s: reconnecting to %s in %.1f s", self.camera.id, self.redacted_url, delay)
                (self._pause or self._stop.wait)(delay)

    def _open(self) -> cv2.VideoCapture | None:
        capture = open_capture(
            self._url,
            self.settings.transport,
            self._tls,
            [
                cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                int(self.settings.open_timeout_s * 1000),
                cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                int(self.settings.stall_timeout_s * 1000),
                # The machine's video decoder when it has one (VA-API, NVDEC...); software otherwise.
                cv2.CAP_PROP_HW_ACCELERATION,
                cv2.VIDEO_ACCELERATION_ANY,
            ],
        )
        if capture.isOpened():
            log.info("camera %s: opened %s", self.camera.id, self.redacted_url)
            return capture
        capture.release()
        self._fail(certificate_problem(self._certificate) or f"cannot open {self.redacted_url}")
        return None

    def _stream(self, capture: cv2.VideoCapture) -> None:
        pacer = Pacer(self.camera.fps)
        opened_at = self._clock()
        with self._counters.lock:
            self._counters.connected = True
        while not self._stop.is_set():
            asked_at = self._clock()
            if not capture.grab():
                waited = self._clock() - asked_at
                if waited >= self.settings.stall_timeout_s * 0.9:
                    self._fail(f"stalled: no frame for {waited:.0f} s")
                else:
                    self._fail("stream ended or could not be decoded")
                return
            captured_at = self._wall_clock()
            now = self._clock()
            if self._first_frame_at is None:
                self._first_frame_at = now
            with self._counters.lock:
                self._counters.received += 1
                self._counters.last_frame_at = now
                frame_number = self._counters.received
            if now - opened_at >= self.settings.stable_after_s:
                self._backoff.reset()
            if pacer.due(now):
                self._deliver(capture, frame_number, now - self._first_frame_at, captured_at)

    def _deliver(self, capture: cv2.VideoCapture, frame: int, time_s: float, captured_at: datetime) -> None:
        # Only frames due for analysis are converted and scaled; the rest were just decoded (grab).
        ok, image = capture.retrieve()
        if not ok or image is None:
            self._count_drop()
            return
        prepared = prepare_image(image, self.settings.max_width, self.camera.privacy_masks)
        try:
            self._sink(
                CapturedFrame(self.camera.id, np.ascontiguousarray(prepared), frame, time_s, captured_at)
            )
        except Exception:
            log.exception("camera %s: frame consumer failed; frame dropped", self.camera.id)
            self._count_drop()
            return
        with self._counters.lock:
            self._counters.delivered += 1

    def _count_drop(self) -> None:
        with self._counters.lock:
            self._counters.dropped += 1

    def _fail(self, error: str) -> None:
        log.warning("camera %s: %s", self.camera.id, error)
        with self._counters.lock:
            self._counters.last_error = error


def site_readers(
    site: SiteConfig, sink: FrameSink, settings: ReaderSettings | None = None, loops: Loops | None = None
) -> list[CameraReader]:
    """A reader, not started, for every camera of the site, on its Media Gateway role and stream."""
    settings = settings or ReaderSettings(transport=site.media_gateway.transport)
    return [camera_reader(site, camera, sink, settings, loops) for camera in site.cameras]


def camera_reader(
    site: SiteConfig,
    camera: CameraConfig,
    sink: FrameSink,
    settings: ReaderSettings,
    loops: Loops | None = None,
) -> CameraReader:
    """A reader, not started, for `camera` on its Media Gateway role and stream."""
    gateway = site.gateway_for(camera)
    url = camera_url(gateway, camera.id, camera.stream)
    return CameraReader(
        camera,
        url,
        sink,
        settings,
        loops,
        certificate=certificate_check(gateway, settings),
        tls=stream_tls(gateway),
    )


def stream_tls(gateway: MediaGatewayConfig) -> RtspsTls | None:
    """How the stream verifies the role's certificate; None for plain RTSP."""
    return RtspsTls(gateway.verify_tls, gateway.ca_file) if gateway.tls else None


def certificate_check(gateway: MediaGatewayConfig, settings: ReaderSettings) -> RtspsCertificateCheck | None:
    """The handshake that explains a failed RTSPS open; None for plain RTSP or verify_tls = false."""
    if not (gateway.tls and gateway.verify_tls):
        return None
    return RtspsCertificateCheck(gateway.host, gateway.port, gateway.ca_file, settings.open_timeout_s)
