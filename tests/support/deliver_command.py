"""`genetec-bridge deliver` as a real process against the fake Web SDK, fast to retry and never rate-limited."""

import os
import sys
from pathlib import Path

from tests.support.fake_websdk_process import FakeWebSdkProcess


def deliver_command(fake: FakeWebSdkProcess, outbox: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "genetec_bridge.cli",
        "deliver",
        "--url",
        fake.base_url,
        "--username",
        fake.username,
        "--outbox",
        str(outbox),
        "--max-per-minute",
        "100000",
        "--retry-initial",
        "0.1",
        "--retry-max",
        "1",
        *extra,
    ]


def deliver_env(fake: FakeWebSdkProcess) -> dict[str, str]:
    """The environment, with the fake's password where the command reads it."""
    return {**os.environ, "GENETEC_PASSWORD": fake.password}
