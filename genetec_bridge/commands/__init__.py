"""Sub-commands of `genetec-bridge`, and what the ones reading the site config file share."""

import sys
from pathlib import Path

from analytics.config.loader import ConfigError
from genetec_bridge.config.site import SiteConfig, load_site_config

INVALID_CONFIG = 2
"""Exit status of a command given an invalid site config file."""


def load_site_or_report(path: str | Path) -> SiteConfig | None:
    """The site config at `path`, or None once its problems are printed to stderr, one per line."""
    try:
        return load_site_config(path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return None
