"""RTSPS certificate verification, checked by the bridge before each connection.

OpenCV opens RTSPS through FFmpeg, whose RTSP demuxer gives no way to pass its TLS options
(`tls_verify`, `ca_file`) through `cv2.VideoCapture`: FFmpeg would accept any certificate. So before
opening a stream the reader makes its own TLS handshake with the Media Gateway, verifying the chain
(system store or the configured CA file) and the host name, and opens the stream only if that
passes. A man in the middle at that moment is refused; the check is repeated at every reconnection.
"""

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path


class CertificateNotVerified(Exception):
    """The Media Gateway's certificate did not verify, or the handshake could not be made."""


@dataclass(frozen=True, slots=True)
class RtspsCertificateCheck:
    host: str
    port: int
    ca_file: Path | None = None
    timeout_s: float = 10.0

    def context(self) -> ssl.SSLContext:
        # create_default_context verifies the chain and the host name (CERT_REQUIRED, check_hostname).
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)

    def verify(self) -> None:
        """Returns when the certificate verifies; raises CertificateNotVerified saying why."""
        where = f"{self.host}:{self.port}"
        try:
            with (
                socket.create_connection((self.host, self.port), self.timeout_s) as raw,
                self.context().wrap_socket(raw, server_hostname=self.host),
            ):
                return
        except ssl.SSLCertVerificationError as error:
            raise CertificateNotVerified(
                f"certificate of the Media Gateway {where} not verified ({error.verify_message});"
                " set [media_gateway] ca_file to the role's CA, or verify_tls = false in a lab"
            ) from None
        except (OSError, ssl.SSLError) as error:
            raise CertificateNotVerified(
                f"no TLS handshake with the Media Gateway {where}: {error}"
            ) from None
