"""Memory stays flat over a long live scene: nothing keyed by track, interval or event accumulates.

Hours of simulated time through one camera's skill engine (counting, parking, loitering, intrusion
with a cool-down), with thousands of tracker ids and a car parked throughout under a new id every
minute. Everything reachable from the engine is counted after the first hours and at the end: a
structure that grows with time (a tally per interval, an id per switch) shows as a difference.
"""

import gc
import types
from datetime import UTC, datetime

from analytics.config.camera import CameraConfig
from analytics.skills.engine import SkillEngine
from analytics.skills.subjects import TRACK_IDS_KEPT
from tests.support.synthetic_tracks import CAMERA_ID, SQUARE, VERTICAL_LINE, endless_street

HOURS = 8
FPS = 1.0
START = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # across midnight and a DST night in Europe

_SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


def reachable_objects(root: object) -> int:
    """Objects reachable from `root`, classes, modules and functions (shared, not state) excepted."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SHARED):
            continue
        seen.add(id(obj))
        stack.extend(gc.get_referents(obj))
    return len(seen)


def street_camera() -> CameraConfig:
    return CameraConfig.model_validate(
        {
            "id": CAMERA_ID,
            "zones": [{"name": "square", "polygon": SQUARE}],
            "lines": [{"name": "gate", "points": VERTICAL_LINE}],
            "skills": [
                {"kind": "counting", "line": "gate", "classes": ["car"], "interval_s": 300},
                {"kind": "parking", "zone": "square", "max_parking_s": 600},
                {"kind": "loitering", "zone": "square", "min_dwell_s": 5},
                {"kind": "intrusion", "zone": "square", "cooldown_s": 150},
            ],
        }
    )


def test_hours_of_traffic_leave_the_engine_no_bigger() -> None:
    engine = SkillEngine(street_camera(), {})
    sizes: dict[int, int] = {}
    kinds: dict[str, int] = {}
    parking_track_ids: list[int] = []
    for frame in endless_street(HOURS, FPS, START):
        for event in engine.process(frame):
            kinds[event.kind] = kinds.get(event.kind, 0) + 1
            if event.kind == "parking":
                parking_track_ids = event.evidence.track_ids
        if frame.time_s % 3600 == 0:
            sizes[round(frame.time_s / 3600)] = reachable_objects(engine)

    # The scene did what it says: a crossing and a walker a minute, the parked car alerted once.
    minutes = HOURS * 60
    assert kinds["line_cross"] == minutes, kinds
    assert kinds["loitering"] >= minutes, kinds
    assert 0 < kinds["intrusion"] < minutes, "the cool-down held most back"
    assert kinds.get("parking") == 1, "one stay for the whole scene, despite an id a minute"
    assert len(parking_track_ids) <= TRACK_IDS_KEPT
    # Flat: after two hours (every structure in its steady state) nothing more is held.
    print(f"objects reachable from the engine by hour: {sizes}")
    assert sizes[HOURS - 1] <= sizes[2] * 1.02 + 50, sizes
