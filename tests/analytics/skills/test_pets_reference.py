"""The skills on PETS2009 S2.L1's ground-truth tracks must reproduce the reference events.

This checks the skills alone (a perfect tracker); `analytics eval` on detector + tracker output is
the end-to-end figure.
"""

from pathlib import Path

from analytics.assets import REPO_ROOT
from analytics.config.loader import load_analytics_site
from analytics.evaluation.event_matching import by_kind, match_events, read_events, read_reference
from analytics.skills.engine import SkillEngine
from tests.support.pets_reference import ground_truth_frames

FIXTURE = REPO_ROOT / "fixtures/pets09-s2l1.toml"


def test_reference_events_from_ground_truth_tracks(shared_asset, tmp_path: Path):
    site = load_analytics_site(FIXTURE)
    camera = site.cameras[0]
    engine = SkillEngine(camera, site.schedules)
    frames = ground_truth_frames(shared_asset("data/pets09-s2l1/gt/gt.txt"), camera.id)
    events = [event for frame in frames for event in engine.process(frame)]

    events_jsonl = tmp_path / "events.jsonl"
    events_jsonl.write_text("".join(event.to_json() + "\n" for event in events))
    reference = read_reference(shared_asset("data/pets09-s2l1/reference/events.csv"))
    for result in by_kind(match_events(read_events(events_jsonl), reference)):
        assert result.precision >= 0.95 and result.recall >= 0.95, result
    assert not [e for e in events if e.kind == "parking"]  # people are not vehicles
