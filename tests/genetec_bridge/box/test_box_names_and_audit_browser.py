"""One camera name everywhere, and an audit page a person can read, in real headless Chromium.

The box runs on the example site file in front of a stand-in bridge, with the lab's fake Web SDK as
Security Center, whose name for the example's first camera ("Parvis Mairie") is not the site file's
("Parvis Saint-Michel"). The cameras, health, review and audit pages show Security Center's name with
the site file's beside it. The audit page shows no GUID of a known camera, no `None`, details as
words, hides the bridge's `alert.delivered` lines until that kind is asked for, and filters by kind,
camera and account. Screenshots under var/test-artifacts/box/ (names-*, audit-*)."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.websdk.client import WebSdkClient
from tests.support.box_site import box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.fake_websdk_process import CAMERA_GUIDS, FakeWebSdkProcess
from tests.support.review_alerts import admit_alerts

pytestmark = pytest.mark.integration

CAMERA = CAMERA_GUIDS[0]
SECURITY_CENTER_NAME = "Parvis Mairie"
SITE_FILE_NAME = "Parvis Saint-Michel"
DELIVERED = 5


def _trail(path: Path) -> None:
    """What a day leaves in the trail: a save, deliveries, a verdict with empty fields, a promotion."""
    trail = AuditTrail(path)
    trail.append("ines", "config.save", CAMERA, {"changes": ["zones: added square"], "version": 3})
    for n in range(DELIVERED):
        trail.append(
            "bridge", "alert.delivered", CAMERA, {"event_id": f"event-{n}", "actions": ["custom_event"]}
        )
    trail.append(
        "rita",
        "alert.verdict",
        f"{CAMERA}/Porch at night/event-1",
        {"verdict": "true", "reason": None, "note": None, "source": "review", "previous": None},
    )
    trail.append(
        "ines",
        "skill.promote_without_gate",
        f"{CAMERA}/Porch at night",
        {"reason": "festival week", "gate": {"offered": False, "target": 0.1, "false": 0, "judged": 0}},
    )
    trail.append("ines", "config.apply", "site", {"cameras": [CAMERA], "restart_needed": []})


def test_security_centers_camera_name_everywhere_and_a_readable_filtered_audit_page(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    _trail(tmp_path / "box/audit.jsonl")
    with FakeWebSdkProcess() as fake:
        websdk = WebSdkClient(fake.base_url, fake.username, fake.password, timeout=5)
        with box_in_background(path, websdk) as (url, bridge):
            admit_alerts(bridge.trust, 1)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            log_in(page, url, "victor")

            page.goto(f"{url}/cameras")
            row = page.locator(f"#cameras tr[data-camera='{CAMERA}']")
            expect(row.locator("strong")).to_have_text(SECURITY_CENTER_NAME)
            expect(row).to_contain_text(f"(site file: {SITE_FILE_NAME})")
            # A camera only Security Center knows: its name alone, its online state beside it.
            other = page.locator(f"#cameras tr[data-camera='{CAMERA_GUIDS[1]}']")
            expect(other).to_contain_text("online")
            expect(other).not_to_contain_text("site file")
            shot(page, "names-01-cameras")

            page.goto(f"{url}/health")
            expect(page.locator(f"#health-cameras tr[data-camera='{CAMERA}'] strong")).to_have_text(
                SECURITY_CENTER_NAME
            )

            # The review page: the name to search Security Desk for is Security Center's.
            page.goto(f"{url}/review")
            current = page.locator("article.current")
            expect(current.locator(".desk")).to_contain_text(SECURITY_CENTER_NAME)
            expect(current).to_contain_text(f"(site file: {SITE_FILE_NAME})")
            figures = page.locator(f"#figures tr[data-figures='{CAMERA}/Porch at night']")
            expect(figures.locator("td").first).to_contain_text(SECURITY_CENTER_NAME)
            shot(page, "names-02-review")

            # The audit page: names, words, no None; the deliveries behind their own kind.
            page.goto(f"{url}/audit")
            table = page.locator("#audit")
            expect(table).to_contain_text(
                f"skill.promote_without_gate {SECURITY_CENTER_NAME} ({SITE_FILE_NAME})"
            )
            expect(table).to_contain_text("offered no, target 0.1, false 0, judged 0")
            expect(table).to_contain_text("changes: zones: added square")
            text = table.inner_text()
            assert CAMERA not in text and "None" not in text and "alert.delivered" not in text
            shot(page, "audit-01-readable")

            page.select_option("#audit-filter select[name=kind]", "alert.delivered")
            page.click("#audit-filter button[type=submit]")
            expect(table.locator("tbody tr")).to_have_count(DELIVERED)
            expect(table).to_contain_text("event_id: event-4")

            page.select_option("#audit-filter select[name=kind]", "")
            page.fill("#audit-filter input[name=actor]", "rita")
            page.click("#audit-filter button[type=submit]")
            expect(table.locator("tbody tr")).to_have_count(1)
            expect(table).to_contain_text("verdict: true")

            page.fill("#audit-filter input[name=actor]", "")
            page.select_option(
                "#audit-filter select[name=camera]", label=f"{SECURITY_CENTER_NAME} ({SITE_FILE_NAME})"
            )
            page.click("#audit-filter button[type=submit]")
            # The save, the verdict, the promotion, the apply naming it; not victor's login, not deliveries.
            expect(table.locator("tbody tr")).to_have_count(4)
            shot(page, "audit-02-filtered")
            page.goto(f"{url}/audit?kind=nonsense")
            expect(page.locator("body")).to_contain_text("kind: one of config")
