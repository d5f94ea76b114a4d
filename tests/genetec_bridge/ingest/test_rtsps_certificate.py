"""RTSPS: the Media Gateway's certificate is verified (chain and name) before a stream is opened, over
a real TLS socket with a throw-away CA."""

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from analytics.config.camera import CameraConfig
from genetec_bridge.config.site import MediaGatewayConfig
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings, certificate_check
from genetec_bridge.ingest.rtsps_certificate import CertificateNotVerified, RtspsCertificateCheck

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"


class TlsServer:
    """Accepts TLS handshakes on 127.0.0.1 with the given certificate, then hangs up."""

    def __init__(self, certificate: trustme.LeafCert) -> None:
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(self._context)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            try:
                with self._context.wrap_socket(connection, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass  # the client refused our certificate: what some tests expect

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[TlsServer]:
    served = TlsServer(ca.issue_cert("127.0.0.1"))
    yield served
    served.close()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "media-gateway-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def test_a_certificate_of_an_unknown_authority_is_refused(server: TlsServer) -> None:
    with pytest.raises(CertificateNotVerified, match=r"not verified.*set \[media_gateway\] ca_file"):
        RtspsCertificateCheck("127.0.0.1", server.port).verify()


def test_the_configured_ca_file_verifies_the_role(server: TlsServer, ca_file: Path) -> None:
    RtspsCertificateCheck("127.0.0.1", server.port, ca_file).verify()


def test_a_certificate_for_another_name_is_refused(ca: trustme.CA, ca_file: Path) -> None:
    impostor = TlsServer(ca.issue_cert("sc-media.city.local"))
    try:
        with pytest.raises(CertificateNotVerified, match="not verified"):
            RtspsCertificateCheck("127.0.0.1", impostor.port, ca_file).verify()
    finally:
        impostor.close()


def test_a_reader_does_not_open_a_stream_whose_certificate_fails(server: TlsServer) -> None:
    reader = CameraReader(
        CameraConfig(id=CAMERA),
        f"rtsps://operator:S3cret@127.0.0.1:{server.port}/{CAMERA}/live",
        lambda frame: None,
        ReaderSettings(backoff_initial_s=0.1, backoff_max_s=0.2),
        certificate=RtspsCertificateCheck("127.0.0.1", server.port, timeout_s=5),
    )
    reader.start()
    try:
        stop = threading.Event()
        for _ in range(100):
            if reader.status().reconnects >= 1:
                break
            stop.wait(0.1)
        status = reader.status()
    finally:
        reader.stop(timeout_s=10)

    assert status.last_error is not None and "certificate of the Media Gateway" in status.last_error
    assert status.frames_received == 0 and "S3cret" not in status.last_error


def test_verification_is_on_for_rtsps_unless_turned_off(ca_file: Path) -> None:
    settings = ReaderSettings()
    rtsps = MediaGatewayConfig(host="gw", tls=True)
    assert certificate_check(rtsps, settings) == RtspsCertificateCheck(
        "gw", 654, None, settings.open_timeout_s
    )
    with_ca = MediaGatewayConfig(host="gw", tls=True, ca_file=ca_file)
    assert certificate_check(with_ca, settings).ca_file == ca_file  # type: ignore[union-attr]
    assert certificate_check(MediaGatewayConfig(host="gw", tls=True, verify_tls=False), settings) is None
    assert certificate_check(MediaGatewayConfig(host="gw"), settings) is None
