"""One offline run of the whole pipeline on the Hanoi junction clip, shared by the tests that score it.

`analytics run` is started once per session, as an operator would start it, with the camera's
configuration from fixtures/redlight-hanoi/; every red-light accuracy test reads its output.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT
from tests.support.offline_analysis import read_events, run_analytics

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
        return read_events(self.events_jsonl)


@pytest.fixture(scope="session")
def redlight_run(
    shared_asset: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> RedLightRun:
    video = shared_asset(VIDEO)
    out = tmp_path_factory.mktemp("redlight-run")
    run_analytics(video, CONFIG, out)
    return RedLightRun(video, out)
