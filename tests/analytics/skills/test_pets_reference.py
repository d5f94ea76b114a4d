"""The skills on PETS2009 S2.L1's ground-truth tracks must reproduce the reference events.

This checks the skills alone (a perfect tracker); `analytics eval` on detector + tracker output is
the end-to-end figure.
"""

from analytics.assets import REPO_ROOT
from analytics.config_file import load_analytics_site
from analytics.skills.engine import SkillEngine
from tests.support.pets_reference import ground_truth_frames, score

FIXTURE = REPO_ROOT / "fixtures/pets09-s2l1.toml"


def test_reference_events_from_ground_truth_tracks(shared_asset):
    site = load_analytics_site(FIXTURE)
    camera = site.cameras[0]
    engine = SkillEngine(camera, site.schedules)
    frames = ground_truth_frames(shared_asset("data/pets09-s2l1/gt/gt.txt"), camera.id)
    events = [event for frame in frames for event in engine.process(frame)]

    scores = score(events, shared_asset("data/pets09-s2l1/reference/events.csv"))
    for kind, result in scores.items():
        assert result.precision >= 0.95 and result.recall >= 0.95, (kind, result)
    assert not [e for e in events if e.kind == "parking"]  # people are not vehicles
