"""One offline run of the whole pipeline on the Hanoi junction clip, shared by the tests that score it.

`analytics run` is started once per session, as an operator would start it, with the camera's
configuration from fixtures/redlight-hanoi/; every red-light accuracy test reads its output.
"""

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT

FIXTURES = REPO_ROOT / "fixtures/redlight-hanoi"
CONFIG = FIXTURES / "giang-vo-lang-ha.toml"
REFERENCE = FIXTURES / "red-light-runs.csv"
PHASES = FIXTURES / "signal-phases.csv"
VIDEO = "data/redlight/hanoi-giangvo/giang-vo-lang-ha.mp4"


@dataclass(frozen=True)
class RedLightRun:
    video: Path
    out: Path

    @property
    def events_jsonl(self) -> Path:
        return self.out / "events.jsonl"

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.events_jsonl.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def redlight_run(
    shared_asset: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> RedLightRun:
    video = shared_asset(VIDEO)
    out = tmp_path_factory.mktemp("redlight-run")
    command = [sys.executable, "-m", "analytics.cli", "run", str(video), "--config", str(CONFIG)]
    command += ["--out", str(out), "--quiet"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"analytics run failed ({result.returncode}):\n{result.stderr}", pytrace=False)
    return RedLightRun(video, out)
