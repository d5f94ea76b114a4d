"""The box shows and takes times on the site's clock, whatever the browser's: real headless Chromium
set to New York (Playwright's `timezone_id`) reads the example site (`[counting] timezone =
"Europe/Paris"`), in French. A page written in UTC or in the browser's zone fails here: on the review
page across the last Sunday of October 2026 (a 25-hour day: the filter keeps both 02:30s, each once,
and neither local midnight of the day after), the live view's time, the audit log, the versions, the
sessions; each page names the zone once; the header's role is in French.
Screenshots under var/test-artifacts/box/ (site-clock-*)."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from analytics.events import AnalyticsEvent
from analytics.frame_tracks import TrackedObject
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.versions import VersionStore
from genetec_bridge.config.site import load_site_config
from genetec_bridge.trust.service import TrustService
from tests.genetec_bridge.box.test_live_picture import moving_track, picture_of
from tests.support.box_site import PASSWORDS, box_in_background, write_box_site
from tests.support.browser import shot
from tests.support.review_alerts import shadow_skill
from tests.support.trust_sites import alert

pytestmark = pytest.mark.integration

PARIS = ZoneInfo("Europe/Paris")
BROWSER_ZONE = "America/New_York"
NOTE = "Les heures et les jours sont ceux du site (Europe/Paris)"
# The example's second camera (a counting line): its live view.
CAMERA = "00000002-0000-babe-0000-00408ca1eb96"

# Alerts around the change back to winter time in Paris, Sunday 25 October 2026 (03:00 +02:00 becomes
# 02:00 +01:00): each id with its UTC moment and the wall time the review page must show.
DST_DAY = "2026-10-25"
AROUND_THE_CHANGE = {
    "local-midnight": ("2026-10-24T22:00:00", "2026-10-25 00:00:00"),  # still the 24th in UTC
    "first-0230": ("2026-10-25T00:30:00", "2026-10-25 02:30:00 (UTC+02:00)"),
    "second-0230": ("2026-10-25T01:30:00", "2026-10-25 02:30:00 (UTC+01:00)"),
    "last-second": ("2026-10-25T22:59:59", "2026-10-25 23:59:59"),
    "next-local-day": ("2026-10-25T23:00:00", "2026-10-26 00:00:00"),  # still the 25th in UTC
    "day-before": ("2026-10-24T21:59:59", "2026-10-24 23:59:59"),
}
ON_THE_DAY = {"local-midnight", "first-0230", "second-0230", "last-second"}


def _admit_around_the_change(trust: TrustService) -> None:
    skill = shadow_skill(trust)
    for index, (event_id, (utc, _)) in enumerate(AROUND_THE_CHANGE.items()):
        event: AnalyticsEvent = alert(index).model_copy(
            update={
                "id": event_id,
                "camera": skill.camera_id,
                "skill": skill.skill,
                "zone": "Porch",
                "timestamp": datetime.fromisoformat(utc).replace(tzinfo=UTC),
            }
        )
        trust.admit(event, skill.routing)


def _in_french_from_new_york(browser: Browser, url: str, user: str) -> Page:
    page = browser.new_context(timezone_id=BROWSER_ZONE, locale="en-US").new_page()
    page.goto(f"{url}/lang/fr")
    page.goto(f"{url}/login")
    page.fill("#user", user)
    page.fill("#password", PASSWORDS[user])
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text(user)
    # The browser really is elsewhere: a page taking its zone would show New York's hours.
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == BROWSER_ZONE
    return page


def _wall(at: str | datetime) -> str:
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S")


def test_the_review_filter_takes_the_sites_25_hour_day_and_shows_its_repeated_hour_twice(
    tmp_path: Path, browser: Browser
) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, bridge):
        _admit_around_the_change(bridge.trust)
        page = _in_french_from_new_york(browser, url, "rita")
        page.goto(f"{url}/review")
        page.fill("#filters input[name=from]", DST_DAY)
        page.fill("#filters input[name=to]", DST_DAY)
        page.click("#filters button[type=submit]")
        expect(page.locator("#remaining")).to_have_text(str(len(ON_THE_DAY)))
        shot(page, "site-clock-review")
        articles = page.locator("article.alert")
        shown = {
            articles.nth(n).get_attribute("data-event"): articles.nth(n).locator("dd.at").text_content()
            for n in range(articles.count())
        }
        named = page.locator("#site-zone").all_text_contents()

    assert set(shown) == ON_THE_DAY, "the local day, 25 hours: both 02:30s, neither neighbouring day"
    assert shown == {event_id: AROUND_THE_CHANGE[event_id][1] for event_id in ON_THE_DAY}
    assert len(named) == 1 and NOTE in named[0]


def test_the_live_view_the_audit_log_the_versions_and_the_sessions_read_the_sites_clock(
    tmp_path: Path, browser: Browser
) -> None:
    path = write_box_site(tmp_path)
    site = load_site_config(path)
    # A version saved before: the versions page lists it, and its page shows it.
    version = VersionStore(site.box.versions_dir).record(path.read_text(), "ines", "config.save")
    with box_in_background(path) as (url, bridge):
        frames = moving_track(
            20, lambda n: TrackedObject(3, "car", (0.1 + n * 0.01, 0.4, 0.3 + n * 0.01, 0.6), 0.9)
        )
        bridge.tracks[CAMERA] = frames
        bridge.pictures[CAMERA] = picture_of(frames[-1], 320, 240)
        page = _in_french_from_new_york(browser, url, "ines")
        expect(page.locator(".who .role")).to_have_text("(intégrateur)")

        page.goto(f"{url}/cameras/{CAMERA}")
        page.click("[data-action=live]")
        newest = frames[-1].timestamp
        assert newest is not None
        expect(page.locator("#live-at")).to_have_text(f"Pistes à {_wall(newest)} (Europe/Paris)")
        shot(page, "site-clock-live", full_page=False)
        page.click("[data-action=live]")

        page.goto(f"{url}/audit?kind=account")
        login = max(
            (e for e in AuditTrail(site.audit.path).newest(50) if e.action == "account.login"),
            key=lambda e: e.seq,
        )
        expect(page.locator("table.list tbody tr").first.locator("td").nth(1)).to_have_text(_wall(login.at))
        expect(page.locator("#site-zone")).to_contain_text(NOTE)

        page.goto(f"{url}/users")
        opened = page.locator("tr[data-session-user=ines] td").nth(2).text_content() or ""
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", opened), opened
        # The session opened at the login: the same second, give or take the login's own work.
        opened_at = datetime.fromisoformat(opened).replace(tzinfo=PARIS)
        assert abs(opened_at - datetime.fromisoformat(login.at)) < timedelta(minutes=1)
        expect(page.locator("#site-zone")).to_contain_text(NOTE)
        shot(page, "site-clock-users")

        page.goto(f"{url}/versions")
        expect(page.locator("table.list tbody tr").first.locator("td").nth(1)).to_have_text(_wall(version.at))
        expect(page.locator("#site-zone")).to_contain_text(NOTE)
        page.goto(f"{url}/versions/{version.number}")
        expect(page.locator("#version-at")).to_have_text(_wall(version.at))
        expect(page.locator("main")).to_contain_text("(Europe/Paris)")
