"""One offline run of the whole pipeline on PETS2009 S2.L1, shared by the tests that score it.

The clip takes minutes on a CPU, so the run is session-scoped: `analytics run` is started once, as
an operator would start it, and every accuracy test reads its output directory.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analytics.assets import REPO_ROOT
from tests.support.offline_analysis import read_events, run_analytics

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
        return read_events(self.events_jsonl)


@pytest.fixture(scope="session")
def pets_run(shared_asset: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> PetsRun:
    video = shared_asset("data/pets09-s2l1/vtest.avi")
    reference = shared_asset("data/pets09-s2l1/reference/events.csv")
    out = tmp_path_factory.mktemp("pets-run")
    run_analytics(video, CONFIG, out, "--fps", TRUE_FPS)
    return PetsRun(out, reference)
