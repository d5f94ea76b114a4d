"""The 15-minute hand check in real headless Chromium, against the box on a real socket whose clock is a
simulated one (tests/support/simulated_time.py): the test moves it to the check's start and past its end
instead of waiting. A reviewer starts a check from the traffic page, taps keys per vehicle (one wrong
key taken back), the box stops the check when the time is up, and the product's counts come from a
statistics store fed through StatisticsStore.commit with crossings inside and outside the window. The
per-category error shows on the traffic page, in the monthly report, and in the audit trail.
Screenshots go to var/test-artifacts/box/hand-check-*.png.
"""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import load_site_config
from genetec_bridge.counting.series import counting_points
from genetec_bridge.counting.store import StatisticsBatch, StatisticsStore
from genetec_bridge.reports.monthly import Month, gather
from genetec_bridge.reports.render import render_html
from tests.support.box_site import PASSWORDS, box_in_background, write_box_site
from tests.support.browser import log_in, shot
from tests.support.simulated_time import SimulatedTime
from tests.support.site_config_files import edited

pytestmark = pytest.mark.integration

PARIS = ZoneInfo("Europe/Paris")
ASKED = datetime(2026, 3, 2, 8, 3, 20, tzinfo=PARIS)  # the check then runs 08:15-08:30 local
WINDOW = datetime(2026, 3, 2, 8, 15, tzinfo=PARIS)
# (local minute, class, direction, crossings) stored by the product; only 08:15's are in the window.
PRODUCT = [
    (0, "car", "A->B", 30),
    (15, "car", "A->B", 10),
    (15, "car", "B->A", 6),
    (15, "truck", "A->B", 1),
    (15, "bicycle", "B->A", 2),
    (30, "car", "A->B", 50),
]
# The person's keys: S = VL A->B, D = PL A->B, X = VL B->A, B = velo B->A (H, pieton A->B, taken back).
TAPS = "s" * 11 + "d" + "x" * 6 + "bb"


def _site(tmp_path: Path) -> Path:
    path = write_box_site(tmp_path)
    path.write_text(
        edited(
            path.read_text(),
            "interval_s = 900\n",
            'interval_s = 900\nclasses = ["car", "truck", "bus", "motorcycle", "bicycle", "person"]\n',
        )
    )
    return path


def _fill(path: Path) -> str:
    site = load_site_config(path)
    assert site.counting.timezone == "Europe/Paris", "the example's time zone"
    (point,) = counting_points(site)
    hour = datetime(2026, 3, 2, 8, tzinfo=PARIS)
    batch = StatisticsBatch()
    batch.add_analysed(point.camera_id, hour.timestamp(), (hour + timedelta(hours=1)).timestamp())
    for minute, class_name, direction, n in PRODUCT:
        at = (hour + timedelta(minutes=minute)).timestamp()
        batch.crossings[(point.camera_id, point.line, at, point.interval_s, class_name, direction)] += n
    store = StatisticsStore(site.counting.store_path)
    store.commit(batch)
    store.close()
    return point.id


def _cells(page: Page, table: str, header: str) -> list[str]:
    row = page.locator(f"#{table} tbody tr").filter(has=page.locator("th", has_text=header))
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_a_reviewer_counts_fifteen_minutes_by_hand_and_the_error_shows_on_the_page_and_in_the_report(
    tmp_path: Path, browser: Browser
) -> None:
    path = _site(tmp_path)
    point_id = _fill(path)
    time = SimulatedTime(ASKED)
    with box_in_background(path, wall_clock=time.wall) as (base, _):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/traffic?day=2026-03-02")
        page.fill("#user", "rita")  # a reviewer: judging the product is the trust loop's role
        page.fill("#password", PASSWORDS["rita"])
        page.click("button[type=submit]")
        expect(page.locator("#hand-check")).to_contain_text("No hand check of this point yet.")
        page.click("#start-hand-check")
        expect(page.locator("h1")).to_have_text("Hand check of the counts")
        page.click("#start button[type=submit]")
        expect(page.locator("#window")).to_have_text("Counting from 08:15:00 to 08:30:00 (Europe/Paris).")
        expect(page.locator("#phase")).to_have_attribute("data-phase", "waiting")
        expect(page.locator("button.tap").first).to_be_disabled()
        page.keyboard.press("s")  # before the start: not counted
        shot(page, "hand-check-waiting")

        time.step_wall_clock((WINDOW - ASKED).total_seconds())
        expect(page.locator("#phase")).to_have_attribute("data-phase", "counting")
        for key in TAPS:
            page.keyboard.press(key)
        page.keyboard.press("h")
        expect(page.locator('output[data-count="pieton A->B"]')).to_have_text("1")
        page.keyboard.press("Backspace")
        expect(page.locator('output[data-count="pieton A->B"]')).to_have_text("0")
        expect(page.locator('output[data-count="VL A->B"]')).to_have_text("11")
        expect(page.locator('output[data-count="VL B->A"]')).to_have_text("6")
        expect(page.locator('output[data-count="velo B->A"]')).to_have_text("2")
        expect(page.locator('output[data-count="PL A->B"]')).to_have_text("1")
        shot(page, "hand-check-counting")

        time.step_wall_clock(15 * 60)  # the page sees the time is up and stops the check itself
        page.wait_for_url("**/traffic?point=*&day=2026-03-02#hand-check")
        expect(page.locator("#hand-check-summary")).to_contain_text(
            "2026-03-02 08:15 (Europe/Paris), 15 min, counted by rita."
        )
        expect(page.locator("#hand-check-summary")).not_to_contain_text("Short")
        # By hand, product, error, 95 % interval (values of tests/genetec_bridge/counting/test_hand_check.py).
        assert _cells(page, "hand-check-errors", "VL") == ["17", "16", "-6 %", "-52 % … +84 %"]
        assert _cells(page, "hand-check-errors", "PL") == ["1", "1", "+0 %", "-90 % … +858 %"]
        assert _cells(page, "hand-check-errors", "velo") == ["2", "2", "+0 %", "-82 % … +466 %"]
        assert _cells(page, "hand-check-errors", "2RM") == ["0", "0", "–", "–"]
        assert _cells(page, "hand-check-errors", "Total") == ["20", "19", "-5 %", "-49 % … +76 %"]
        shot(page, "hand-check-result")

        page.goto(f"{base}/lang/fr")
        page.goto(f"{base}/traffic?day=2026-03-02")
        expect(page.locator("#hand-check-title")).to_have_text("Dernier contrôle manuel")
        page.close()

    site = load_site_config(path)
    entries = [e for e in AuditTrail(site.audit.path).entries() if e.action == "counting.hand_check"]
    assert [(e.actor, e.subject, e.details["short"]) for e in entries] == [("rita", point_id, False)]
    store = StatisticsStore(site.counting.store_path)
    try:
        report = gather(site, store, AuditTrail(site.audit.path), None, Month(2026, 3), time.wall_datetime())
    finally:
        store.close()
    html = render_html(report, "en")
    assert "Latest hand check" in html and "2026-03-02 08:15, 15 min, counted by rita" in html
    assert '<td class="n">17</td><td class="n">16</td><td class="n">-6 %</td>' in html


def test_a_check_under_way_is_resumed_in_the_page_after_the_box_restarts(
    tmp_path: Path, browser: Browser
) -> None:
    """Three vehicles tapped, the box stopped and started on the same state directory (everyone logged
    out), the person logs in again: the page says the check was resumed with its taps, they tap two more
    and the check, kept whole, holds all five."""
    path = _site(tmp_path)
    point_id = _fill(path)
    time = SimulatedTime(ASKED)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    with box_in_background(path, wall_clock=time.wall) as (base, _):
        log_in(page, base, "rita", next_path="/traffic/check")
        page.click("#start button[type=submit]")
        time.step_wall_clock((WINDOW - ASKED).total_seconds() + 5)
        expect(page.locator("#phase")).to_have_attribute("data-phase", "counting")
        for key in "ssd":
            page.keyboard.press(key)
        expect(page.locator('output[data-count="PL A->B"]')).to_have_text("1")
        expect(page.locator('output[data-count="VL A->B"]')).to_have_text("2")

    time.step_wall_clock(20)  # the box is back within 30 s
    with box_in_background(path, wall_clock=time.wall) as (base, _):
        log_in(page, base, "rita", next_path="/traffic/check")
        expect(page.locator("#resumed")).to_contain_text("your 3 taps are kept")
        expect(page.locator('output[data-count="VL A->B"]')).to_have_text("2")
        expect(page.locator("#phase")).to_have_attribute("data-phase", "counting")
        shot(page, "hand-check-resumed")
        page.keyboard.press("x")
        page.keyboard.press("s")
        expect(page.locator('output[data-count="VL A->B"]')).to_have_text("3")
        expect(page.locator('output[data-count="VL B->A"]')).to_have_text("1")
        time.step_wall_clock(15 * 60)
        page.wait_for_url("**/traffic?point=*&day=2026-03-02#hand-check")
        assert _cells(page, "hand-check-errors", "Total") == ["5", "19", "+280 %", "+47 % … +882 %"]
    page.close()
    store = StatisticsStore(load_site_config(path).counting.store_path)
    try:
        check = store.latest_hand_check(point_id, time.wall())
    finally:
        store.close()
    assert check is not None and not check.short
    assert {(c, d): h for c, d, h, _ in check.counts if h} == {
        ("VL", "A->B"): 3,
        ("PL", "A->B"): 1,
        ("VL", "B->A"): 1,
    }
