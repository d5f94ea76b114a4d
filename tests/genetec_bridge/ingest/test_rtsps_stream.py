"""RTSPS end to end: the lab's GStreamer server serves PETS over TLS with a certificate from a
throw-away CA (the role's own), and the connection that streams verifies it: frames with `ca_file`,
a refusal naming the certificate problem without it, frames again with `verify_tls = false`."""

import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import trustme

from genetec_bridge.box.snapshot import SnapshotError, snapshot_jpeg
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.ingest import reader as reader_module
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings, camera_reader
from genetec_bridge.lab.rtsp_server_process import RtspServerProcess
from tests.support.rtsp_server_process import CAMERA_A, PETS, PETS_FPS, start_rtsp_server

pytestmark = pytest.mark.timeout(120)

USER = "operator"
PASSWORD = "S3cret-rtsp:pw"
SETTINGS = ReaderSettings(max_width=384, open_timeout_s=5, backoff_initial_s=0.2, backoff_max_s=0.5)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Every character FFmpeg's option parser treats specially, in the path it must be handed intact.
    path = tmp_path_factory.mktemp("role") / "ca; of the|role's\\ gateway" / "media-gateway-ca.pem"
    path.parent.mkdir()
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def server(
    ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory, shared_asset: Callable[[str], Path]
) -> Iterator[RtspServerProcess]:
    """The role: PETS at its true rate, RTSP Basic authentication, TLS only, signed by `ca`."""
    certificate = tmp_path_factory.mktemp("gateway") / "gateway.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(certificate))
    with start_rtsp_server(
        shared_asset(PETS), [CAMERA_A], PETS_FPS, user=USER, password=PASSWORD, tls_certificate=certificate
    ) as served:
        yield served


def site(server: RtspServerProcess, host: str = "127.0.0.1", **tls: object) -> SiteConfig:
    return SiteConfig.model_validate(
        {
            "genetec": {"url": "https://sc.city.local/WebSdk", "username": "sdk", "password": "sdk-pw"},
            "media_gateway": {
                "host": host,
                "port": server.port,
                "username": USER,
                "password": PASSWORD,
                "tls": True,
                **tls,
            },
            "cameras": [{"id": CAMERA_A, "fps": 5}],
        }
    )


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.1)


def run_reader(
    config: SiteConfig, until: Callable[[CameraReader, "queue.Queue[CapturedFrame]"], bool]
) -> tuple[CameraReader, "queue.Queue[CapturedFrame]"]:
    frames: queue.Queue[CapturedFrame] = queue.Queue()
    reader = camera_reader(config, config.cameras[0], frames.put, SETTINGS)
    reader.start()
    try:
        wait_until(lambda: until(reader, frames), 60, "the reader's frames or refusals")
    finally:
        reader.stop(timeout_s=15)
    return reader, frames


def streamed(count: int) -> Callable[[CameraReader, "queue.Queue[CapturedFrame]"], bool]:
    return lambda _reader, frames: frames.qsize() >= count


def refused(times: int) -> Callable[[CameraReader, "queue.Queue[CapturedFrame]"], bool]:
    return lambda reader, _frames: reader.status().reconnects >= times


def test_the_stream_is_verified_with_the_roles_ca_file(server: RtspServerProcess, ca_file: Path) -> None:
    reader, frames = run_reader(site(server, ca_file=str(ca_file)), streamed(10))

    status = reader.status()
    got = [frames.get_nowait() for _ in range(frames.qsize())]
    assert len(got) >= 10 and status.frames_received >= 10
    assert {frame.camera_id for frame in got} == {CAMERA_A}
    assert got[-1].image.shape[1] == 384 and got[-1].image.std() > 10, "real footage, not a grey screen"
    assert status.last_error is None


def test_without_the_roles_ca_the_stream_is_refused_naming_the_certificate(server: RtspServerProcess) -> None:
    reader, frames = run_reader(site(server), refused(2))

    status = reader.status()
    assert frames.qsize() == 0 and status.frames_received == 0
    assert status.last_error is not None
    assert f"certificate of the Media Gateway 127.0.0.1:{server.port} not verified" in status.last_error
    assert "ca_file" in status.last_error and PASSWORD not in status.last_error


def test_a_certificate_for_another_host_name_is_refused(server: RtspServerProcess, ca_file: Path) -> None:
    # The role's CA signed it, but for 127.0.0.1: reached as "localhost" the name does not match.
    reader, frames = run_reader(site(server, host="localhost", ca_file=str(ca_file)), refused(2))

    status = reader.status()
    assert frames.qsize() == 0 and status.frames_received == 0
    assert status.last_error is not None and "not verified" in status.last_error
    assert "localhost" in status.last_error and PASSWORD not in status.last_error


def test_verify_tls_false_streams_a_certificate_nobody_vouches_for(server: RtspServerProcess) -> None:
    reader, frames = run_reader(site(server, verify_tls=False), streamed(10))

    assert frames.qsize() >= 10 and reader.status().frames_received >= 10
    assert reader.status().last_error is None


def test_the_snapshot_verifies_the_role_the_same_way(server: RtspServerProcess, ca_file: Path) -> None:
    verified = site(server, ca_file=str(ca_file))
    jpeg = snapshot_jpeg(verified, verified.cameras[0], SETTINGS)
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape[1] == 384

    lab = site(server, verify_tls=False)
    assert cv2.imdecode(np.frombuffer(snapshot_jpeg(lab, lab.cameras[0], SETTINGS), np.uint8), 1) is not None

    unknown = site(server)
    with pytest.raises(SnapshotError, match=r"certificate of the Media Gateway .* not verified") as refusal:
        snapshot_jpeg(unknown, unknown.cameras[0], SETTINGS)
    assert PASSWORD not in str(refusal.value)


def test_an_open_never_reads_options_meant_for_another_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opens with the same options overlap; one with other options waits for them to finish."""
    options = reader_module._CaptureOptions()
    seen: dict[str, list[str]] = {"a": [], "b": []}
    first_in, second_in, release = threading.Event(), threading.Event(), threading.Event()

    def open_with(value: str, entered: threading.Event) -> None:
        with options.set_to(value):
            entered.set()
            seen[value].append(reader_module.os.environ[reader_module._OPTIONS_VARIABLE])
            release.wait(10)

    monkeypatch.setenv(reader_module._OPTIONS_VARIABLE, "")
    holders = [threading.Thread(target=open_with, args=("a", first_in))]
    holders[0].start()
    assert first_in.wait(10)
    same = threading.Event()
    holders.append(threading.Thread(target=open_with, args=("a", same)))
    holders[-1].start()
    assert same.wait(10), "an open with the same options does not wait"
    holders.append(threading.Thread(target=open_with, args=("b", second_in)))
    holders[-1].start()
    assert not second_in.wait(0.5), "an open with other options waits while those are in flight"
    release.set()
    for holder in holders:
        holder.join(10)

    assert second_in.is_set()
    assert seen == {"a": ["a", "a"], "b": ["b"]}
