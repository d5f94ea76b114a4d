"""A stand-in for the Genetec Media Gateway: video files served in a loop over RTSP (H.264).

Run it with the system Python that has GStreamer's introspection bindings (Debian: python3-gi,
gir1.2-gst-rtsp-server-1.0); it imports nothing from the project so it needs no virtual environment:

    python3 genetec_bridge/lab/rtsp_server.py --port 8554 \\
        --mount /00000001-0000-babe-0000-00408ca1eb95/live=vtest.avi@7 [--user U --password P] \\
        [--tls-certificate gateway.pem]

Each mount decodes its file in a pipeline of its own and pushes the frames at the given rate
(`@FPS`; default the file's) into a live encoder, restarting the file at its end: file headers lie
about the rate (PETS says 10 fps, it is 7), and a real camera never ends. The process prints
`rtsp-server ready port=N` once it listens (port 0 picks a free one) and exits cleanly on SIGTERM
or SIGINT.

With `--tls-certificate` (a PEM file holding the certificate chain and its private key) it serves
RTSPS on the same port, as a Media Gateway with 'Require TLS' does; plain RTSP is then refused.
"""

import argparse
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstApp, GstRtspServer  # noqa: E402

READY = "rtsp-server ready"
_PULL_TIMEOUT_NS = Gst.SECOND


@dataclass(frozen=True)
class Mount:
    path: str
    file: Path
    fps: float | None


def parse_mount(spec: str) -> Mount:
    """`/guid/live=FILE[@FPS]`."""
    path, sep, target = spec.partition("=")
    if not sep or not path.startswith("/") or not target:
        raise argparse.ArgumentTypeError(f"mount {spec!r} is not /PATH=FILE[@FPS]")
    file, at, fps_text = target.rpartition("@")
    fps: float | None = None
    if at:
        try:
            fps = float(fps_text)
        except ValueError:
            # An '@' that belongs to the file name, not a rate.
            file = target
    else:
        file = target
    if fps is not None and fps <= 0:
        raise argparse.ArgumentTypeError(f"mount {spec!r}: fps must be positive")
    if not Path(file).is_file():
        raise argparse.ArgumentTypeError(f"mount {spec!r}: no file {file}")
    return Mount(path, Path(file).resolve(), fps)


class LoopingDecoder:
    """Decodes a file to raw frames forever, seeking back to the start at its end."""

    def __init__(self, file: Path) -> None:
        self._pipeline = Gst.parse_launch(
            f'filesrc location="{file}" ! decodebin ! videoconvert ! video/x-raw,format=I420 '
            "! appsink name=sink sync=false max-buffers=2"
        )
        self._sink: GstApp.AppSink = self._pipeline.get_by_name("sink")
        self._pipeline.set_state(Gst.State.PLAYING)

    def next_sample(self) -> Gst.Sample | None:
        sample = self._sink.try_pull_sample(_PULL_TIMEOUT_NS)
        if sample is None and self._sink.is_eos():
            self._restart()
            sample = self._sink.try_pull_sample(_PULL_TIMEOUT_NS)
        return sample

    def _restart(self) -> None:
        # A flushing seek clears the EOS; some demuxers refuse it after EOS, so fall back to a reopen.
        self._pipeline.get_state(Gst.CLOCK_TIME_NONE)
        if not self._pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT, 0):
            self._pipeline.set_state(Gst.State.NULL)
            self._pipeline.set_state(Gst.State.PLAYING)

    def close(self) -> None:
        self._pipeline.set_state(Gst.State.NULL)


class FramePusher:
    """Feeds one media's appsrc at a steady rate from a looping decoder, in a thread of its own."""

    def __init__(self, mount: Mount, appsrc: GstApp.AppSrc) -> None:
        self._mount = mount
        self._appsrc = appsrc
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"push{mount.path}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        decoder = LoopingDecoder(self._mount.file)
        try:
            self._push_frames(decoder)
        finally:
            decoder.close()

    def _push_frames(self, decoder: LoopingDecoder) -> None:
        period: float | None = None
        deadline = time.monotonic()
        while not self._stop.is_set():
            sample = decoder.next_sample()
            if sample is None:
                continue
            if period is None:
                rate = self._rate(sample.get_caps())
                period = 1.0 / float(rate)
                self._appsrc.set_caps(with_framerate(sample.get_caps(), rate))
            # The appsrc stamps each buffer with the running time it is pushed at (do-timestamp), so
            # the stream's clock is the wall clock, as a camera's is.
            if self._appsrc.push_buffer(sample.get_buffer().copy()) != Gst.FlowReturn.OK:
                return
            deadline += period
            delay = deadline - time.monotonic()
            if delay < -period:
                deadline = time.monotonic()  # fell behind (loaded machine): do not burst to catch up
            elif delay > 0:
                self._stop.wait(delay)

    def _rate(self, caps: Gst.Caps) -> Fraction:
        if self._mount.fps is not None:
            return Fraction(self._mount.fps).limit_denominator(1001)
        ok, num, den = caps.get_structure(0).get_fraction("framerate")
        return Fraction(num, den) if ok and num > 0 and den > 0 else Fraction(25)


def with_framerate(caps: Gst.Caps, rate: Fraction) -> Gst.Caps:
    # Through the string form: the bindings cannot build a GstFraction value without gst-python.
    text = re.sub(r",\s*framerate=[^,;]+", "", caps.to_string())
    return Gst.Caps.from_string(f"{text}, framerate=(fraction){rate.numerator}/{rate.denominator}")


class LoopingFileFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, mount: Mount) -> None:
        super().__init__()
        self._mount = mount
        gop = max(1, round(mount.fps or 10))
        # Short GOP: a reader that reconnects waits at most about a second for a key frame.
        # One slice per frame (tune=zerolatency would cut each frame into a slice per thread): the
        # payloader's config-interval=-1 puts the parameter sets before every key-frame slice, which
        # splits a key frame of several slices into as many pictures for the decoder. Its lower part
        # was lost, and every frame predicted from it smeared (streaks, ghosts) until the next one.
        self.set_launch(
            "( appsrc name=src is-live=true do-timestamp=true format=time block=false max-buffers=2 "
            "leaky-type=downstream ! videoconvert ! "
            f"x264enc tune=zerolatency sliced-threads=false speed-preset=ultrafast key-int-max={gop} "
            "bframes=0 ! "
            "rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )
        self.set_shared(True)
        self.connect("media-configure", self._on_media_configure)

    def _on_media_configure(
        self, _factory: GstRtspServer.RTSPMediaFactory, media: GstRtspServer.RTSPMedia
    ) -> None:
        appsrc = media.get_element().get_by_name_recurse_up("src")
        pusher = FramePusher(self._mount, appsrc)
        media.connect("unprepared", lambda _media: pusher.stop())


def server_auth(
    user: str | None, password: str | None, certificate: Path | None
) -> GstRtspServer.RTSPAuth | None:
    """Basic authentication when a user is given (else everyone may view), TLS when a certificate is
    (one PEM file holding the chain and its private key); None when neither is asked for."""
    if user is None and certificate is None:
        return None
    auth = GstRtspServer.RTSPAuth()
    viewer = GstRtspServer.RTSPToken.new()
    viewer.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    if user is not None and password is not None:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), viewer)
    else:
        auth.set_default_token(viewer)
    if certificate is not None:
        auth.set_tls_certificate(Gio.TlsCertificate.new_from_file(str(certificate)))
    return auth


def viewer_role() -> Gst.Structure:
    return Gst.Structure.new_from_string(
        "viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8554, help="0 picks a free port (default 8554)")
    parser.add_argument(
        "--mount",
        type=parse_mount,
        action="append",
        required=True,
        metavar="/PATH=FILE[@FPS]",
        help="serve FILE in a loop at PATH, at FPS frames per second (default: the file's header)",
    )
    parser.add_argument("--user", help="require RTSP Basic authentication with this user")
    parser.add_argument("--password", help="password of --user")
    parser.add_argument(
        "--tls-certificate",
        type=Path,
        metavar="PEM",
        help="serve RTSPS with this certificate chain and private key (one PEM file)",
    )
    args = parser.parse_args(argv)
    if (args.user is None) != (args.password is None):
        parser.error("--user and --password go together")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    auth = server_auth(args.user, args.password, args.tls_certificate)
    mounts = server.get_mount_points()
    for mount in args.mount:
        factory = LoopingFileFactory(mount)
        if auth is not None:
            factory.add_role_from_structure(viewer_role())
        mounts.add_factory(mount.path, factory)
    if auth is not None:
        server.set_auth(auth)
    if server.attach(None) == 0:
        print(f"rtsp-server: cannot listen on {args.host}:{args.port}", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, lambda: loop.quit() or GLib.SOURCE_REMOVE)
    paths = " ".join(m.path for m in args.mount)
    print(f"{READY} port={server.get_bound_port()} mounts={paths}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
