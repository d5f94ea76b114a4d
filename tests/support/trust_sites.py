"""A small site for trust-loop tests: one camera (the fake's first), a loitering skill with an alarm
and an intrusion skill with a bookmark, each in the mode the test asks; trust files under a temporary
directory."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from analytics.events import AnalyticsEvent, Evidence
from genetec_bridge.config.site import SiteConfig
from tests.support.analytics_events import START
from tests.support.fake_websdk_process import ALARM_GUID, CAMERA_GUIDS

CAMERA = CAMERA_GUIDS[0]
LOITERING = "loitering:Parvis"
INTRUSION = "intrusion:Parvis"


def _alert(custom_event_id: int, mode: str, decided: bool, **routing: Any) -> dict[str, Any]:
    """A live skill here is live by the site file's named decision (`decided`), as a test of its mode
    means it; undecided, `mode = "live"` alone."""
    named = {"live_decided_by": "Test site", "live_reason": "the test asks for live"}
    decision = named if mode == "live" and decided else {}
    return {"custom_event_id": custom_event_id, "mode": mode, **routing, **decision}


def trust_site(
    directory: Path,
    loitering_mode: str = "shadow",
    intrusion_mode: str = "shadow",
    websdk_url: str = "https://127.0.0.1:4590/WebSdk",
    decided: bool = True,
    **trust: Any,
) -> SiteConfig:
    return SiteConfig.model_validate(
        {
            "genetec": {
                "url": websdk_url,
                "username": "bridge",
                "password": "not-used",
                # The fake Web SDK speaks plain HTTP on loopback, which a site must accept explicitly.
                "allow_plain_http": websdk_url.startswith("http://"),
            },
            "media_gateway": {"host": "127.0.0.1"},
            "audit": {"path": str(directory / "audit.jsonl")},
            "trust": {"store_path": str(directory / "trust.sqlite3"), **trust},
            "cameras": [
                {
                    "id": CAMERA,
                    "name": "Parvis",
                    "zones": [
                        {"name": "Parvis", "polygon": [[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]}
                    ],
                    "skills": [
                        {
                            "kind": "loitering",
                            "zone": "Parvis",
                            "min_dwell_s": 20,
                            "alert": _alert(5000, loitering_mode, decided, alarm=ALARM_GUID),
                        },
                        {
                            "kind": "intrusion",
                            "zone": "Parvis",
                            "alert": _alert(5001, intrusion_mode, decided, bookmark=True),
                        },
                    ],
                }
            ],
        }
    )


def alert(index: int, skill: str = LOITERING, days: float = 0.0) -> AnalyticsEvent:
    """A start event of `skill`, `index` seconds (and `days` days) after START."""
    kind = skill.split(":")[0]
    return AnalyticsEvent(
        id=f"{kind}-{index:05d}-{days:g}",
        kind=kind,
        skill=skill,
        phase="start" if kind == "loitering" else "instant",
        camera=CAMERA,
        zone="Parvis",
        class_name="person",
        track_id=index + 1,
        frame=index * 10 + 1,
        time_s=float(index),
        timestamp=START + timedelta(days=days, seconds=index),
        evidence=Evidence(
            dwell_s=23.4 if kind == "loitering" else None,
            threshold_s=20.0 if kind == "loitering" else None,
            min_confidence=0.35,
            positions=[(0.5, 0.6), (0.51, 0.61)],
            track_ids=[index + 1],
        ),
    )
