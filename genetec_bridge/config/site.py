"""The bridge's view of the integrator's file: the analytics site plus Genetec, Media Gateway, daemon,
health, delivery, counting, audit, retention, privacy, trust and box tables. `load_site_config` is what
the bridge calls at start."""

from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, model_validator

from analytics.config.camera import AnalyticsSite, CameraConfig, StreamName
from analytics.config.cross_references import RelativePath, cross_reference_error
from analytics.config.loader import ConfigError, load_model
from analytics.config.printable import PrintableText
from analytics.config.schedule import TimeZoneName, host_time_zone
from analytics.config.state_paths import default_model_path, default_model_source, runtime_dir, state_dir
from analytics.config.strict_model import StrictModel
from analytics.daemon.inference_choice import InferenceChoice
from genetec_bridge.box.config import BoxConfig
from genetec_bridge.config.addresses import ip_address, is_loopback
from genetec_bridge.config.relative_paths import ConfigPath, ExistingConfigFile
from genetec_bridge.config.secrets import Secret
from genetec_bridge.redaction import redact_credentials

# Genetec's publicly documented development ApplicationId: accepted only by systems licensed GSC-SDK.
DEV_APPLICATION_ID = "KxsD11z743Hf5Gq9mv3+5ekxzemlCiUXkTFY5ba1NOGcLCmGstt2n0zYE9NsNimv"

Port = Annotated[int, Field(ge=1, le=65535)]
# Upper bounds the runtime can live with: a date this many days back still exists, a delay this long
# is still a timer. A value beyond them (999999 meant as "for ever", inf) is refused at load.
MAX_DAYS = 36_500
MAX_HOURS = MAX_DAYS * 24
MAX_SECONDS = 86_400.0


def _http_url(value: str, example: str = "https://host:4590/WebSdk") -> str:
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unbalanced [ or a port that is not a number
        valid = False
    if not valid:
        # The value is quoted to say what was read; a password typed into it is not.
        shown = redact_credentials(value)
        raise ValueError(f"'{shown}' is not an http(s) URL like {example}")
    if parts.username or parts.password:
        # Credentials in the URL would be logged with it; they belong in username and password.
        raise ValueError("the URL must not hold credentials; use username and password")
    return value.rstrip("/")


class GenetecConfig(StrictModel):
    """Security Center's Web SDK role: where it is and how the bridge signs in."""

    url: Annotated[str, AfterValidator(_http_url)] = Field(
        description="Web SDK base URL, e.g. https://host:4590/WebSdk (role's port and BaseUri)."
    )
    allow_plain_http: bool = Field(
        False,
        description="Accept an http:// url. The password then travels in clear text with every request;"
        " only for a lab or a link already encrypted (VPN).",
    )
    username: PrintableText = Field(
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
    timeout_s: float = Field(
        10.0,
        gt=0,
        le=MAX_SECONDS,
        description="Timeout to connect to the Web SDK, and to get the answer to a read (ping, lists), seconds.",
    )
    answer_timeout_s: float = Field(
        120.0,
        gt=0,
        le=MAX_SECONDS,
        description="How long a request that raises something in Security Center (custom event, alarm,"
        " bookmark) waits for its answer once sent. It is not sent again meanwhile, so a slow or briefly"
        " hung Security Center raises nothing twice; after it, the request is re-sent at most once.",
    )

    @property
    def plain_http(self) -> bool:
        return urlsplit(self.url).scheme == "http"

    @model_validator(mode="after")
    def _plain_http_chosen(self) -> Self:
        if self.plain_http and not self.allow_plain_http:
            raise ValueError(
                "url is http://: the Security Center password would travel in clear text with every"
                " request; use the role's https:// address, or set allow_plain_http = true to accept that"
            )
        return self


class _PairedCredentials(StrictModel):
    """An RTSP user and password, both or neither."""

    @model_validator(mode="after")
    def _credentials_paired(self) -> Self:
        username, password = getattr(self, "username"), getattr(self, "password")  # noqa: B009
        if (username is None) != (password is None):
            missing = "password" if password is None else "username"
            raise ValueError(f"username and password go together; {missing} is missing")
        return self


class OtherMediaGatewayRole(_PairedCredentials):
    """Another Media Gateway role of the site (Security Center 5.10+), that cameras may be read from."""

    host: PrintableText = Field(min_length=1, description="Host name or address of that role.")
    username: PrintableText | None = Field(
        None, description="Its own RTSP user; default: [media_gateway]'s user and password are sent to it."
    )
    password: Secret | None = Field(None, description="Its own RTSP password, with username.")


class MediaGatewayConfig(_PairedCredentials):
    """Security Center's Media Gateway role, read as RTSP: rtsp://host:port/<camera GUID>/<stream>.

    The site's RTSP credentials go to this role's host and to the `other_roles` declared here only: a
    camera's own `media_gateway.host` must be one of them (refused at load otherwise), so that a host
    typed on one camera (in the box, by an integrator) never receives them."""

    host: PrintableText = Field(min_length=1, description="Media Gateway server host name or address.")
    port: Port = Field(654, description="RTSP port of the Media Gateway role (not the Media Router's 554).")
    username: PrintableText | None = Field(
        None, description="RTSP user, if the role requires authentication (listed on the role)."
    )
    password: Secret | None = Field(
        None,
        description="The user's RTSP password, set on the role; not the Security Center password.",
    )
    stream: StreamName = Field("live", description="Stream read for cameras without their own `stream`.")
    transport: Literal["tcp", "udp"] = Field("tcp", description="RTP transport; tcp survives lossy links.")
    tls: bool = Field(False, description="Use RTSPS (RTSP over TLS, 'Require TLS' on the role).")
    verify_tls: bool = Field(
        True,
        description="With tls: verify the role's certificate (and host name) on each connection that streams;"
        " false only for a lab's self-signed role.",
    )
    ca_file: ExistingConfigFile | None = Field(
        None,
        description="PEM bundle to verify the Media Gateway's (self-signed) certificate, instead of the"
        " system's.",
    )

    other_roles: list[OtherMediaGatewayRole] = Field(
        default_factory=list,
        description="Other Media Gateway roles cameras are read from (a camera's media_gateway = { host,"
        " port }); each with its own username and password, or this role's.",
    )

    def role(self, host: str) -> "MediaGatewayConfig | None":
        """This role, or the declared other role on `host` with its credentials; None if undeclared."""
        if host.lower() == self.host.lower():
            return self
        for other in self.other_roles:
            if host.lower() == other.host.lower():
                if other.username is None:
                    return self.model_copy(update={"host": other.host})
                return self.model_copy(
                    update={"host": other.host, "username": other.username, "password": other.password}
                )
        return None


def _grpc_address(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or "/" in value or "@" in value:
        raise ValueError(f"'{value}' is not a gRPC address host:port, e.g. 127.0.0.1:8001 or triton.lan:8001")
    return value


class TritonConfig(StrictModel):
    """The Triton Inference Server pool the daemon sends its batches to when inference = 'triton'."""

    url: Annotated[str, AfterValidator(_grpc_address)] = Field(
        "127.0.0.1:8001", description="Triton's gRPC address host:port (a Service name in Kubernetes)."
    )
    model_name: str = Field("yolox_nano", min_length=1, description="Model name in Triton's repository.")
    timeout_s: float = Field(
        2.0,
        gt=0,
        le=MAX_SECONDS,
        description="Seconds one inference request may take; a later answer counts as a failure.",
    )
    retry_max_s: float = Field(
        5.0,
        gt=0,
        le=60,
        description="Longest wait between two tries while Triton fails; frames arriving meanwhile replace"
        " the waiting ones and are counted as dropped.",
    )


class DaemonConfig(StrictModel):
    """The analytics daemon: detector model, accelerator and the local socket the bridge talks on."""

    inference: Literal["onnxruntime", "triton"] = Field(
        "onnxruntime",
        description="Where the detector runs: 'onnxruntime' in the daemon's process (model, device), or"
        " 'triton' on the Triton server of [daemon.triton], shared with other hosts.",
    )
    triton: TritonConfig = Field(default_factory=TritonConfig)

    model: ConfigPath = Field(
        default_factory=default_model_path,
        description="Detector ONNX model; default: $GENETEC_ANALYTICS_MODEL, else models/yolox_nano.onnx in"
        " the state directory (where `make install` puts it in a development checkout). Without it the bridge"
        " refuses to start its daemon (onnxruntime), saying where it looked.",
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

    def missing_model(self) -> str | None:
        """Why a daemon the bridge starts would have no model (it would crash-loop while every camera
        looks healthy), saying where the model was looked for; None when it is there or not needed."""
        if not self.managed or self.inference != "onnxruntime" or self.model.is_file():
            return None
        source = (
            "daemon.model in the site file" if "model" in self.model_fields_set else default_model_source()
        )
        return (
            f"daemon.model: no detector model at {self.model} (from {source}); install it (make install),"
            " or set daemon.model or GENETEC_ANALYTICS_MODEL"
        )

    def inference_choice(self) -> InferenceChoice:
        return InferenceChoice(
            self.inference,
            self.triton.url,
            self.triton.model_name,
            self.triton.timeout_s,
            self.triton.retry_max_s,
        )


class HealthConfig(StrictModel):
    """The maintainer's endpoints: /healthz, /readyz and /metrics."""

    listen: Annotated[str, AfterValidator(ip_address)] = Field(
        "127.0.0.1", description="Address the health server binds; 0.0.0.0 exposes it to the network."
    )
    port: Port = Field(8088, description="Port of the health server.")
    token: Secret | None = Field(
        None,
        description="Bearer token /status and /metrics require (Authorization: Bearer ...): inline,"
        " { env = ... } or { file = ... }. Required when listen is not a loopback address.",
    )

    @model_validator(mode="after")
    def _token_off_loopback(self) -> Self:
        if self.token is None and not is_loopback(self.listen):
            raise ValueError(
                f"listen = {self.listen} exposes /status and /metrics to the network: set token"
                ' (e.g. token = { file = "secrets/health-token" }) or listen on 127.0.0.1'
            )
        return self


class DeliveryConfig(StrictModel):
    """How analytics events reach Security Center: a durable outbox, rate-limited and retried."""

    outbox_path: ConfigPath = Field(
        default_factory=lambda: state_dir() / "outbox.sqlite3",
        description="SQLite file of undelivered events; default outbox.sqlite3 in the state directory.",
    )
    max_events_per_minute_per_camera: int = Field(
        30, ge=1, description="Events sent per camera and minute at most; the rest wait in the outbox."
    )
    retry_initial_s: float = Field(
        1.0, gt=0, le=MAX_SECONDS, description="First retry delay after a failed delivery."
    )
    retry_max_s: float = Field(
        60.0, gt=0, le=MAX_SECONDS, description="Longest retry delay; delays double up to it."
    )
    keep_delivered_h: float = Field(
        24.0,
        gt=0,
        le=MAX_HOURS,
        description="Hours a delivered event (and its alarm) stays in the outbox: time to check what was"
        " sent and to match operators' alarm acknowledgements. Then it is deleted.",
    )
    keep_rejected_h: float = Field(
        168.0,
        gt=0,
        le=MAX_HOURS,
        description="Hours an event Security Center refused stays in the outbox, for"
        " `genetec-bridge deliver --requeue-rejected`. Then it is deleted. Pending events are never deleted.",
    )

    @model_validator(mode="after")
    def _retry_delays_ordered(self) -> Self:
        if self.retry_max_s < self.retry_initial_s:
            raise ValueError("retry_max_s must be at least retry_initial_s")
        return self


class CountingStoreConfig(StrictModel):
    """Where the traffic counts (and the availability the monthly report shows) are kept; how long is
    [retention] counts_days; the time zone of their days and hours."""

    store_path: ConfigPath = Field(
        default_factory=lambda: state_dir() / "statistics.sqlite3",
        description="SQLite file of the traffic counts, analysed time, availability and alert tallies;"
        " default statistics.sqlite3 in the state directory. Kept retention.counts_days.",
    )
    timezone: TimeZoneName = Field(
        default_factory=host_time_zone,
        description="IANA time zone of the statistics, e.g. 'Europe/Paris': the counting intervals, hours,"
        " days and months of the traffic page, the exports and the monthly report are local to it (a day"
        " of 23 or 25 hours at a daylight-saving change). Default: the host's time zone.",
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class AuditConfig(StrictModel):
    """The audit trail: an append-only, hash-chained log of deliveries, configuration and account events."""

    path: ConfigPath = Field(
        default_factory=lambda: state_dir() / "audit" / "audit.jsonl",
        description="JSON-lines audit log (a .head file lies beside it); default audit/audit.jsonl in the"
        " state directory.",
    )


class RetentionConfig(StrictModel):
    """How long each store keeps its records; a purge in the bridge deletes older ones on its own.

    The outbox's retention is in [delivery] (keep_delivered_h, keep_rejected_h)."""

    audit_days: int = Field(
        365,
        ge=183,
        le=MAX_DAYS,
        description="Days audit entries are kept, then purged (the purge itself is recorded). At least"
        " 183: the EU AI Act (Art. 26(6)) asks deployers to keep logs six months or more.",
    )
    counts_days: int = Field(
        730,
        ge=1,
        le=MAX_DAYS,
        description="Days the statistics store (counting.store_path) keeps its anonymous tallies: traffic"
        " counts, analysed time, availability, alerts raised. The city's statistics usually compare a year"
        " with the one before.",
    )
    verdicts_days: int = Field(
        365,
        ge=1,
        le=MAX_DAYS,
        description="Days operators' review verdicts on alerts (true or false alert) are kept for the"
        " false-alert rates of the trust loop.",
    )
    track_history_h: float = Field(
        24.0,
        gt=0,
        le=168,
        description="Hours recent track history (boxes, classes, times; never images) may be kept for"
        " replay and diagnosis; at most a week.",
    )
    purge_every_min: float = Field(
        60.0,
        gt=0,
        le=MAX_SECONDS / 60,
        description="Minutes between two automatic purges by the running bridge.",
    )


class PrivacyConfig(StrictModel):
    """What the city states for the privacy documents; anything left out stays a visible placeholder."""

    controller: str | None = Field(
        None, description="The controller: the city or body deciding the processing, e.g. 'Ville de X'."
    )
    controller_address: str | None = Field(None, description="Postal address of the controller.")
    contact: str | None = Field(
        None, description="Where the public asks questions or exercises its rights (e-mail, address, phone)."
    )
    dpo: str | None = Field(None, description="Name and contact of the controller's data protection officer.")
    processor: str | None = Field(
        None, description="The processor: the company running the product for the city, with its contact."
    )
    legal_basis: str | None = Field(
        None, description="Legal basis of the processing (GDPR Art. 6) and the text it rests on."
    )
    security_center_retention: str | None = Field(
        None,
        description="How long Security Center keeps the events, alarms, bookmarks and video it receives"
        " (set in Security Center, not here), e.g. '30 days'.",
    )


class TrustConfig(StrictModel):
    """The trust loop: skills start in shadow, are judged, go live when their false-alert rate is proven
    below the target, and are watched afterwards (genetec_bridge.trust)."""

    store_path: ConfigPath = Field(
        default_factory=lambda: state_dir() / "trust.sqlite3",
        description="SQLite file of each skill's current mode, its alerts and their verdicts; default"
        " trust.sqlite3 in the state directory.",
    )
    target_false_alert_rate: float = Field(
        0.10,
        gt=0.0,
        lt=1.0,
        description="Highest false-alert rate the site accepts: a skill goes live when the upper bound of"
        " its exact one-sided 95 % interval is below it, and turns degraded when the lower bound is above.",
    )
    false_alarm_acknowledgement: Literal["default", "alternate"] = Field(
        "alternate",
        description="Which Security Desk acknowledgement of the bridge's alarms means 'false alarm' at this"
        " site; the other one means 'true alarm'.",
    )
    watch_verdicts: int = Field(
        50, ge=1, description="How many of a live skill's most recent verdicts the watch judges."
    )
    demote_when_degraded: bool = Field(
        False, description="Send a degraded live skill back to shadow automatically (audited)."
    )


class AnalysisHostConfig(StrictModel):
    """One analysis host of a site spread over several: it runs a bridge and a daemon for the cameras
    assigned to it (`genetec-bridge run --host NAME`); all hosts share the Triton pool."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] = Field(
        description="Host name used in cameras' analysis_host and `--host` (lowercase, digits, dashes)."
    )
    health_url: Annotated[str, AfterValidator(lambda url: _http_url(url, "http://10.0.4.11:8088"))] = Field(
        description="Base URL of this host's health server as the site view reaches it, e.g."
        " http://10.0.4.11:8088; its bridge listens on this URL's port."
    )
    capacity: float = Field(
        1.0,
        gt=0,
        le=1000,
        description="Relative analysis capacity, for `assign-hosts` (2.0: twice the cameras' load).",
    )


class SiteConfig(AnalyticsSite):
    """The integrator's file for one site: the single source of truth for both processes."""

    genetec: GenetecConfig
    media_gateway: MediaGatewayConfig
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    health: HealthConfig = Field(default_factory=HealthConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    counting: CountingStoreConfig = Field(default_factory=CountingStoreConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    trust: TrustConfig = Field(default_factory=TrustConfig)
    hosts: list[AnalysisHostConfig] = Field(
        default_factory=list,
        description="Analysis hosts when the site's cameras are spread over several ([[hosts]]); empty: one"
        " host analyses every camera.",
    )

    @model_validator(mode="after")
    def _cameras_on_known_hosts(self) -> Self:
        names = [host.name for host in self.hosts]
        problems: list[tuple[RelativePath, str]] = [
            (("hosts", i, "name"), f"duplicate host name '{names[i]}'")
            for i, name in enumerate(names)
            if name in names[:i]
        ]
        for i, camera in enumerate(self.cameras):
            own = camera.media_gateway
            if own is not None and self.media_gateway.role(own.host) is None:
                declared = [self.media_gateway.host] + [r.host for r in self.media_gateway.other_roles]
                problems.append(
                    (
                        ("cameras", i, "media_gateway", "host"),
                        f"'{own.host}' is not a Media Gateway role of this site ({declared}): declare it in"
                        " [media_gateway].other_roles, with its own username and password if it has other"
                        " credentials (the site's are sent only to declared roles)",
                    )
                )
            problems += [
                (
                    ("cameras", i, "skills", j, "alert", "custom_event_id"),
                    f"{self.box.test_custom_event_id} is [box].test_custom_event_id, the box's test event:"
                    " give this skill another custom event, or the test another id",
                )
                for j, skill in enumerate(camera.skills)
                if skill.alert and skill.alert.custom_event_id == self.box.test_custom_event_id
            ]
            if camera.analysis_host is None and names:
                problems.append((("cameras", i, "analysis_host"), f"missing: the site has hosts {names}"))
            elif camera.analysis_host is not None and camera.analysis_host not in names:
                known = f"known: {names}" if names else "the site has no [[hosts]]"
                problems.append(
                    (("cameras", i, "analysis_host"), f"no host '{camera.analysis_host}' ({known})")
                )
        if problems:
            raise cross_reference_error(problems)
        return self

    def host(self, name: str) -> AnalysisHostConfig:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(f"no host '{name}' in [[hosts]] (known: {[h.name for h in self.hosts]})")

    def for_host(self, name: str) -> "SiteConfig":
        """What the bridge of host `name` runs: its cameras only, its health server on its URL's port."""
        host = self.host(name)
        port = urlsplit(host.health_url).port or (443 if host.health_url.startswith("https") else 80)
        return self.model_copy(
            update={
                "cameras": [c for c in self.cameras if c.analysis_host == name],
                "health": self.health.model_copy(update={"port": port}),
            }
        )

    box: BoxConfig = Field(default_factory=BoxConfig)

    def gateway_for(self, camera: CameraConfig) -> MediaGatewayConfig:
        """The Media Gateway a camera is read from: the site's, or the declared role at the camera's own
        address, with that role's credentials (load refused a role that is not declared)."""
        if camera.media_gateway is None:
            return self.media_gateway
        role = self.media_gateway.role(camera.media_gateway.host)
        assert role is not None, "an undeclared Media Gateway host is refused at load"
        return role.model_copy(update={"port": camera.media_gateway.port})


def load_site_config(path: str | Path) -> SiteConfig:
    """The whole file, validated; raises analytics.config.loader.ConfigError listing every problem,
    with the password of any URL quoted in a message replaced by ***."""
    try:
        return load_model(path, SiteConfig)
    except ConfigError as error:
        raise error.redacted(redact_credentials) from None
