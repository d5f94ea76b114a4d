"""The bridge's view of the integrator's file: the analytics site plus Genetec, Media Gateway,
daemon, health, delivery and counting tables. `load_site_config` is what the bridge calls at start."""

from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from analytics.config.camera import AnalyticsSite, CameraConfig, StreamName
from analytics.config.loader import load_model
from analytics.config.state_paths import default_model_path, runtime_dir, state_dir
from analytics.config.strict_model import StrictModel
from genetec_bridge.box.config import BoxConfig
from genetec_bridge.config.addresses import ip_address
from genetec_bridge.config.relative_paths import ConfigPath, ExistingConfigFile
from genetec_bridge.config.secrets import Secret

# Genetec's publicly documented development ApplicationId: accepted only by systems licensed GSC-SDK.
DEV_APPLICATION_ID = "KxsD11z743Hf5Gq9mv3+5ekxzemlCiUXkTFY5ba1NOGcLCmGstt2n0zYE9NsNimv"

Port = Annotated[int, Field(ge=1, le=65535)]


def _web_sdk_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) URL like https://host:4590/WebSdk")
    if parts.username or parts.password:
        # Credentials in the URL would be logged with it; they belong in username and password.
        raise ValueError("the URL must not hold credentials; use username and password")
    return value.rstrip("/")


class GenetecConfig(StrictModel):
    """Security Center's Web SDK role: where it is and how the bridge signs in."""

    url: Annotated[str, AfterValidator(_web_sdk_url)] = Field(
        description="Web SDK base URL, e.g. https://host:4590/WebSdk (role's port and BaseUri)."
    )
    username: str = Field(
        min_length=1, description="Security Center user with the 'Log on using the SDK' privilege."
    )
    password: Secret = Field(description="The user's password: inline, { env = ... } or { file = ... }.")
    application_id: str = Field(
        DEV_APPLICATION_ID,
        min_length=1,
        description="ApplicationId of the SDK certificate; the default is Genetec's development id.",
    )
    verify_tls: bool = Field(
        True, description="Verify the role's TLS certificate; false only for a self-signed one in a lab."
    )
    ca_file: ExistingConfigFile | None = Field(
        None,
        description="PEM bundle to verify the role's (self-signed) certificate, instead of the system's.",
    )
    timeout_s: float = Field(10.0, gt=0, description="Timeout of one Web SDK request, seconds.")


class MediaGatewayConfig(StrictModel):
    """Security Center's Media Gateway role, read as RTSP: rtsp://host:port/<camera GUID>/<stream>."""

    host: str = Field(min_length=1, description="Media Gateway server host name or address.")
    port: Port = Field(654, description="RTSP port of the Media Gateway role (not the Media Router's 554).")
    username: str | None = Field(
        None, description="RTSP user, if the role requires authentication (listed on the role)."
    )
    password: Secret | None = Field(
        None,
        description="The user's RTSP password, set on the role; not the Security Center password.",
    )
    stream: StreamName = Field("live", description="Stream read for cameras without their own `stream`.")
    transport: Literal["tcp", "udp"] = Field("tcp", description="RTP transport; tcp survives lossy links.")
    tls: bool = Field(False, description="Use RTSPS (RTSP over TLS, 'Require TLS' on the role).")

    @model_validator(mode="after")
    def _credentials_paired(self) -> Self:
        if (self.username is None) != (self.password is None):
            missing = "password" if self.password is None else "username"
            raise ValueError(f"username and password go together; {missing} is missing")
        return self


class DaemonConfig(StrictModel):
    """The analytics daemon: detector model, accelerator and the local socket the bridge talks on."""

    model: ConfigPath = Field(
        default_factory=default_model_path,
        description="Detector ONNX model; default: models/yolox_nano.onnx in the state directory"
        " (where `make install` puts it in a development checkout).",
    )
    device: Literal["auto", "cpu", "cuda", "tensorrt"] = Field(
        "auto", description="Inference device; 'auto' takes the best available (TensorRT, CUDA, CPU)."
    )
    batch_size: int = Field(8, ge=1, le=64, description="Most frames, across cameras, detected at once.")
    socket_path: ConfigPath = Field(
        default_factory=lambda: runtime_dir() / "analytics.sock",
        description="Unix socket between bridge and daemon; default analytics.sock in the runtime directory.",
    )
    managed: bool = Field(
        True,
        description="true: the bridge starts and restarts the daemon; false: it connects to one run by systemd.",
    )


class HealthConfig(StrictModel):
    """The maintainer's endpoints: /healthz, /readyz and /metrics."""

    listen: Annotated[str, AfterValidator(ip_address)] = Field(
        "127.0.0.1", description="Address the health server binds; 0.0.0.0 exposes it to the network."
    )
    port: Port = Field(8088, description="Port of the health server.")


class DeliveryConfig(StrictModel):
    """How analytics events reach Security Center: a durable outbox, rate-limited and retried."""

    outbox_path: ConfigPath = Field(
        default_factory=lambda: state_dir() / "outbox.sqlite3",
        description="SQLite file of undelivered events; default outbox.sqlite3 in the state directory.",
    )
    max_events_per_minute_per_camera: int = Field(
        30, ge=1, description="Events sent per camera and minute at most; the rest wait in the outbox."
    )
    retry_initial_s: float = Field(1.0, gt=0, description="First retry delay after a failed delivery.")
    retry_max_s: float = Field(60.0, gt=0, description="Longest retry delay; delays double up to it.")
    keep_delivered_h: float = Field(
        24.0,
        gt=0,
        description="Hours a delivered event (and its alarm) stays in the outbox: time to check what was"
        " sent and to match operators' alarm acknowledgements. Then it is deleted.",
    )
    keep_rejected_h: float = Field(
        168.0,
        gt=0,
        description="Hours an event Security Center refused stays in the outbox, for"
        " `genetec-bridge deliver --requeue-rejected`. Then it is deleted. Pending events are never deleted.",
    )

    @model_validator(mode="after")
    def _retry_delays_ordered(self) -> Self:
        if self.retry_max_s < self.retry_initial_s:
            raise ValueError("retry_max_s must be at least retry_initial_s")
        return self


class CountingExportConfig(StrictModel):
    """Where the live traffic counts of the counting skills are exported as CSV."""

    export_dir: ConfigPath = Field(
        default_factory=lambda: state_dir() / "counts",
        description="Directory of the daily counts-YYYY-MM-DD.csv files (UTC days); default counts/ in the"
        " state directory.",
    )


class SiteConfig(AnalyticsSite):
    """The integrator's file for one site: the single source of truth for both processes."""

    genetec: GenetecConfig
    media_gateway: MediaGatewayConfig
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    health: HealthConfig = Field(default_factory=HealthConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    counting: CountingExportConfig = Field(default_factory=CountingExportConfig)
    box: BoxConfig = Field(default_factory=BoxConfig)

    def gateway_for(self, camera: CameraConfig) -> MediaGatewayConfig:
        """The Media Gateway a camera is read from: the site's, at the camera's own role's address if set."""
        if camera.media_gateway is None:
            return self.media_gateway
        return self.media_gateway.model_copy(update=camera.media_gateway.model_dump())


def load_site_config(path: str | Path) -> SiteConfig:
    """The whole file, validated; raises analytics.config.loader.ConfigError listing every problem."""
    return load_model(path, SiteConfig)
