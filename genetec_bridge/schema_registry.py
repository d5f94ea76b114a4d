"""The JSON Schemas published in schemas/: file name and the model (or any type pydantic's
TypeAdapter accepts, e.g. a union of messages) it is generated from."""

from typing import Any

from analytics.events import AnalyticsEvent
from analytics.link.link_messages import FromDaemon, ToDaemon
from genetec_bridge.config.site import SiteConfig

SCHEMAS: list[tuple[str, Any]] = [
    ("site-config.schema.json", SiteConfig),
    ("analytics-event.schema.json", AnalyticsEvent),
    ("link-to-daemon.schema.json", ToDaemon),
    ("link-from-daemon.schema.json", FromDaemon),
]
