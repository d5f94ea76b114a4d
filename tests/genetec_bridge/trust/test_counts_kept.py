"""/status's trust counts are kept as alerts are stored, not recounted per refresh: new alerts are
counted from the rows added since, and a prune makes the service count again from the start."""

from datetime import UTC, datetime
from pathlib import Path

from genetec_bridge.trust.service import TrustService
from genetec_bridge.trust.verdicts import Verdict
from tests.support.trust_sites import CAMERA, LOITERING, alert, trust_site


def _loitering(trust: TrustService) -> tuple[int, int, int]:
    row = next(s for s in trust.status() if s.skill == LOITERING)
    return row.alerts, row.verdicts_true, row.verdicts_false


def test_counts_follow_new_alerts_verdicts_and_a_prune(tmp_path: Path) -> None:
    trust = TrustService(trust_site(tmp_path))
    routing = next(s.routing for s in trust.configured_skills() if s.skill == LOITERING)
    old = [alert(n, days=-400) for n in range(5)]
    for event in old:
        trust.admit(event, routing)
    assert _loitering(trust) == (5, 0, 0)
    recent = [alert(n) for n in range(3)]
    for event in recent:
        trust.admit(event, routing)
    trust.record_verdict(old[0].id, Verdict.TRUE, "rita")
    trust.record_verdict(recent[0].id, Verdict.TRUE, "rita")
    assert _loitering(trust) == (8, 2, 0)

    # The retention task prunes through the store itself: what it deleted is no longer counted.
    pruned = trust.store.prune(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    assert (pruned.alerts, pruned.verdicts) == (5, 1)
    assert _loitering(trust) == (3, 1, 0)
    trust.admit(alert(9), routing)
    assert _loitering(trust) == (4, 1, 0)
    assert all(s.camera_id == CAMERA for s in trust.status())
    trust.close()
