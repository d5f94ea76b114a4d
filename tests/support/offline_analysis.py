"""`analytics run` started as an operator would start it, and its events read back: what the
session-scoped runs of real clips (PETS, the Hanoi junction) share."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT


def run_analytics(video: Path, config: Path, out: Path, *options: str) -> None:
    command = [sys.executable, "-m", "analytics.cli", "run", str(video), "--config", str(config)]
    command += [*options, "--out", str(out), "--quiet"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"analytics run failed ({result.returncode}):\n{result.stderr}", pytrace=False)


def read_events(events_jsonl: Path) -> list[dict]:
    return [json.loads(line) for line in events_jsonl.read_text().splitlines() if line.strip()]
