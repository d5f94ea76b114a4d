"""RTSPS certificate verification, by the connection that streams.

OpenCV opens RTSPS through the FFmpeg bundled in its wheel, which makes the TLS handshake with its
own OpenSSL. `RtspsTls` gives that FFmpeg its TLS options (they travel in OpenCV's capture options,
see `reader.open_capture`):

- with `verify_tls` (the default) the chain is verified against `[media_gateway] ca_file`, or else the
  system's CA bundle, named explicitly: the bundled OpenSSL's built-in store is a path of the wheel's
  build machine, absent here, so without a file named it would refuse every certificate. FFmpeg also
  checks the host name of the URL against the certificate.
- with `verify_tls = false` (a lab's self-signed role) any certificate is accepted.

`tls_verify` is always set, never left to FFmpeg's default, which differs between builds (the OpenCV
wheel's verifies, the FFmpeg 8 of PyAV's wheel does not).

FFmpeg says why a handshake failed only in its own log, so when an RTSPS open fails the caller makes
a handshake of its own (`RtspsCertificateCheck`: Python's `ssl`, same CA file, chain and host name) to
say why, e.g. that the certificate is not verified and `ca_file` should name the role's CA.
"""

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path


class CertificateNotVerified(Exception):
    """The Media Gateway's certificate did not verify, or the handshake could not be made."""


def system_ca_bundle() -> Path | None:
    """The CA bundle Python's `ssl` trusts by default (SSL_CERT_FILE honoured), if there is one."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@dataclass(frozen=True, slots=True)
class RtspsTls:
    """How the streaming connection verifies the Media Gateway's certificate."""

    verify: bool = True
    ca_file: Path | None = None

    def ffmpeg_options(self) -> dict[str, str]:
        """FFmpeg's `tls` protocol options, as the RTSP demuxer passes them on for rtsps://."""
        if not self.verify:
            return {"tls_verify": "0"}
        bundle = self.ca_file or system_ca_bundle()
        return {"tls_verify": "1"} | ({} if bundle is None else {"ca_file": str(bundle)})


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
