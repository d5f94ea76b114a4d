"""One offline run of the whole pipeline on PETS2009 S2.L1, shared by the tests that score it.

The clip takes minutes on a CPU, so the run is session-scoped: `analytics run` is started once, as
an operator would start it, and every accuracy test reads its output directory.
"""

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT

CONFIG = REPO_ROOT / "fixtures/pets09-s2l1.toml"
TRUE_FPS = "7"  # the AVI header says 10


@dataclass(frozen=True)
class PetsRun:
    out: Path
    reference_events: Path

    @property
    def events_jsonl(self) -> Path:
        return self.out / "events.jsonl"

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.events_jsonl.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def pets_run(shared_asset: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> PetsRun:
    video = shared_asset("data/pets09-s2l1/vtest.avi")
    reference = shared_asset("data/pets09-s2l1/reference/events.csv")
    out = tmp_path_factory.mktemp("pets-run")
    command = [sys.executable, "-m", "analytics.cli", "run", str(video), "--config", str(CONFIG)]
    command += ["--fps", TRUE_FPS, "--out", str(out), "--quiet"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"analytics run failed ({result.returncode}):\n{result.stderr}", pytrace=False)
    return PetsRun(out, reference)
