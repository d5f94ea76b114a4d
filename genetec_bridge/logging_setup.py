"""Log format of the bridge's processes: one line per event and state change, never a request dump."""

import logging


def configure_logging(process: str) -> None:
    logging.basicConfig(
        level=logging.INFO, format=f"%(asctime)s {process} %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request at INFO: a periodic ping would drown the state changes the maintainer reads.
    logging.getLogger("httpx").setLevel(logging.WARNING)
