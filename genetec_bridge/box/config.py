"""The [box] table of the site file: where the configuration box listens and where it keeps its state."""

from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from analytics.config.state_paths import state_dir
from analytics.config.strict_model import StrictModel
from genetec_bridge.config.addresses import ip_address, is_loopback
from genetec_bridge.config.relative_paths import ConfigPath, ExistingConfigFile


class BoxConfig(StrictModel):
    """The configuration box (web UI). Off unless enabled; the first account comes from `genetec-bridge box
    add-user`, integrators manage the others in the box."""

    enabled: bool = Field(False, description="Serve the configuration box from the bridge process.")
    listen: Annotated[str, AfterValidator(ip_address)] = Field(
        "127.0.0.1",
        description="Address the box binds; an address beyond this machine needs tls_cert and tls_key.",
    )
    port: int = Field(8443, ge=0, le=65535, description="Port of the box; 0 takes a free one (tests).")
    tls_cert: ExistingConfigFile | None = Field(
        None, description="PEM certificate: the box then speaks HTTPS only (and session cookies are Secure)."
    )
    tls_key: ExistingConfigFile | None = Field(None, description="PEM private key of tls_cert.")
    accounts_path: ConfigPath = Field(
        default_factory=lambda: state_dir() / "box/accounts.json",
        description="Accounts file (argon2 hashes, roles); default box/accounts.json in the state directory.",
    )
    versions_dir: ConfigPath = Field(
        default_factory=lambda: state_dir() / "box/versions",
        description="Every saved version of the site file, for the diff view and rollback.",
    )
    session_idle_min: float = Field(
        30.0, gt=0, description="Minutes without a request after which a session ends."
    )
    login_attempts: int = Field(
        5,
        ge=1,
        description="Failed logins from one address, whatever names are tried, within login_lockout_s "
        "before that address is locked (for login_lockout_s, twice as long at each further lock, 1 h at most).",
    )
    login_lockout_s: float = Field(
        60.0,
        gt=0,
        description="Window counting an address's failed logins, and its first lock; also the window of "
        "the failed logins' audit lines (one per address).",
    )
    login_failures_per_min: int = Field(
        20,
        ge=1,
        description="Failed logins per minute from all addresses together past which every login waits "
        "(a guess spread over many addresses).",
    )
    test_custom_event_id: int = Field(
        2_000_000_000,
        ge=1,
        le=2_147_483_647,
        description="Security Center custom event the health page's 'Send a test event' raises (named"
        " 'Analytics bridge test', created if missing); must differ from every skill's custom_event_id so"
        " that a test never runs a skill's event-to-action rules.",
    )

    @model_validator(mode="after")
    def _tls_paired(self) -> Self:
        if (self.tls_cert is None) != (self.tls_key is None):
            missing = "tls_key" if self.tls_key is None else "tls_cert"
            raise ValueError(f"tls_cert and tls_key go together; {missing} is missing")
        if self.enabled and not self.tls and not is_loopback(self.listen):
            # Passwords and session cookies would cross the city's network in clear.
            raise ValueError(
                f"listen = '{self.listen}' serves the box beyond this machine: set tls_cert and tls_key"
            )
        return self

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None
