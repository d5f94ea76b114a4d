"""The bridge at a site's size, short: 90 cameras × 3 alerting skills, a stand-in daemon over the real link,
the real bridge process and the fake Web SDK. `make bench` runs the hour; here a few simulated seconds with
an event from every skill of every camera twice: each one stored once and raised once, while /readyz and
/status kept answering. The latency and stall bars are `make bench`'s figures, never asserted here."""

from pathlib import Path

import pytest

from genetec_bridge.lab.bridge_scale import SKILLS_PER_CAMERA, report, run

pytestmark = pytest.mark.integration

CAMERAS = 90


def test_every_event_of_90_cameras_is_raised_once_while_health_answers(tmp_path: Path) -> None:
    figures = run(tmp_path, CAMERAS, simulated_minutes=0.2, speed=None, alert_every_s=5.0)
    print(report(figures))
    assert figures.results_written == CAMERAS * 60  # 12 simulated seconds at 5 fps
    assert figures.events_written == 2 * CAMERAS * SKILLS_PER_CAMERA
    assert figures.events_accounted(), figures.delivery
    assert figures.delivery.delivered == figures.events_written
    assert figures.probes > 0
    assert figures.bridge_rss_mb > 0
