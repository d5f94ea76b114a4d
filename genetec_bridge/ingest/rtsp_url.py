"""Media Gateway stream URLs: rtsp[s]://[user:password@]host:port/<camera GUID>/<stream>."""

from urllib.parse import quote

from genetec_bridge.config.site import MediaGatewayConfig


def camera_url(gateway: MediaGatewayConfig, camera_id: str, stream: str | None = None) -> str:
    """The URL a reader opens; it holds the password, so log `redact_credentials(url)` instead."""
    scheme = "rtsps" if gateway.tls else "rtsp"
    credentials = ""
    if gateway.username is not None and gateway.password is not None:
        # Quoted: RTSP passwords set on the role may hold ':', '@' or '/'.
        user = quote(gateway.username, safe="")
        password = quote(gateway.password.get_secret_value(), safe="")
        credentials = f"{user}:{password}@"
    host = f"[{gateway.host}]" if ":" in gateway.host else gateway.host
    return f"{scheme}://{credentials}{host}:{gateway.port}/{camera_id}/{stream or gateway.stream}"
