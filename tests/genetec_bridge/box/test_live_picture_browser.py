"""What the user sees of the picture in the editor, in real headless Chromium at 1366×768 and
1920×1080: the live view's picture and boxes carry the same frame time and each box lies over its
object in that picture; labels keep one on-screen size whether the camera sends 320×240 or 960×540,
and never leave the picture; each counting line shows its A and B sides, on the sides the counting
code gives them. The box runs on the example site file in front of a stand-in bridge whose analysed
pictures the test paints: dark, with each object of the frame white where its box is.
Screenshots under var/test-artifacts/box/ (picture-*)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from analytics.frame_tracks import FrameTracks, TrackedObject
from tests.genetec_bridge.box.test_live_picture import moving_track, picture_of
from tests.support.box_site import PASSWORDS, box_in_background, write_box_site
from tests.support.browser import shot

pytestmark = pytest.mark.integration

# The example's second camera: a stop line and a counting line.
CAMERA = "00000002-0000-babe-0000-00408ca1eb96"
SIZES = {"1366x768": {"width": 1366, "height": 768}, "1920x1080": {"width": 1920, "height": 1080}}

# Per shown frame: its time on the picture and on the boxes, each box's centre sampled in the picture
# (drawn to a canvas at its own size), the labels' on-screen heights and boxes, the side marks' signed
# position against their line (cross(B - A, P - A) in picture units), the stage's box.
_SEEN = """() => {
  const img = document.getElementById("snapshot");
  const svg = document.getElementById("drawing");
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const under = [...svg.querySelectorAll("rect.track")].map((r) => {
    const x = Number(r.getAttribute("x")) + Number(r.getAttribute("width")) / 2;
    const y = Number(r.getAttribute("y")) + Number(r.getAttribute("height")) / 2;
    return context.getImageData(Math.round(x), Math.round(y), 1, 1).data[0];
  });
  const box = (node) => { const b = node.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const lines = [...svg.querySelectorAll("line.shape.line")].map((l) =>
    ["x1", "y1", "x2", "y2"].map((k) => Number(l.getAttribute(k))));
  const sides = [...svg.querySelectorAll("text.side")].map((t) => {
    const [x, y] = [Number(t.getAttribute("x")), Number(t.getAttribute("y"))];
    const near = lines.map(([x1, y1, x2, y2]) => ({ d: Math.hypot(x - (x1 + x2) / 2, y - (y1 + y2) / 2),
      cross: (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) })).sort((a, b) => a.d - b.d)[0];
    return [t.dataset.side, Math.sign(near.cross)];
  });
  // A line covered by a name (a side mark is meant to sit by it): a point of its middle under one.
  const names = [...svg.querySelectorAll("text.label:not(.side)")].map((t) => t.getBoundingClientRect());
  const ctm = svg.getScreenCTM();
  const covering = [...svg.querySelectorAll("line.shape.line")].filter((l) => {
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((k) => Number(l.getAttribute(k)));
    return [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].some((f) => {
      const p = new DOMPoint(x1 + (x2 - x1) * f, y1 + (y2 - y1) * f).matrixTransform(ctm);
      return names.some((n) => n.left <= p.x && p.x <= n.right && n.top <= p.y && p.y <= n.bottom);
    });
  }).length;
  return {
    covering,
    natural: [img.naturalWidth, img.naturalHeight],
    pictureAt: img.dataset.frameAt || null,
    boxesAt: svg.dataset.frameAt || null,
    under,
    labelHeights: [...svg.querySelectorAll("text.label")].map((t) => t.getBoundingClientRect().height),
    labelBoxes: [...svg.querySelectorAll("text.label, text.track-label")].map(box),
    stage: box(svg),
    sides,
    lines: lines.length,
  };
}"""


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _car_along_the_top_edge(count: int) -> list[FrameTracks]:
    """Track 3 drives right along the top of the frame: its label would leave the picture above it."""
    return moving_track(
        count, lambda n: TrackedObject(3, "car", (0.05 + n * 0.01, 0.0, 0.2 + n * 0.01, 0.15), 0.9)
    )


def _seen_at(page: Page, natural: tuple[int, int], at: str | None = None) -> dict[str, Any]:
    """What is seen once the picture of `natural` size (and frame time `at`, for the live view) is drawn."""
    page.wait_for_function(
        "([w, h, at]) => { const i = document.getElementById('snapshot'); const s = document.getElementById("
        "'drawing'); return i.naturalWidth === w && i.naturalHeight === h && s.getAttribute('viewBox') === "
        "`0 0 ${w} ${h}` && (at === null || (i.dataset.frameAt === at && s.dataset.frameAt === at)); }",
        arg=[*natural, at],
        timeout=20_000,
    )
    return dict(page.evaluate(_SEEN))


def _iso(frame: FrameTracks) -> str:
    """The frame's time as the live view's answer gives it: on the example site's clock (Paris)."""
    assert frame.timestamp is not None
    return frame.timestamp.astimezone(ZoneInfo("Europe/Paris")).isoformat(timespec="milliseconds")


def _log_in_to_the_editor(page: Page, url: str) -> None:
    page.goto(f"{url}/login?next=/cameras/{CAMERA}")
    page.fill("#user", "victor")
    page.fill("#password", PASSWORDS["victor"])
    page.click("button[type=submit]")
    expect(page.locator("line.shape.line").first).to_be_visible()


def _jpeg(width: int, height: int) -> bytes:
    ok, encoded = cv2.imencode(".jpg", np.full((height, width, 3), 90, np.uint8))
    assert ok
    return encoded.tobytes()


def _serving(jpeg: bytes) -> Callable[[Route], None]:
    return lambda route: route.fulfill(body=jpeg, content_type="image/jpeg")


def _labels_inside(seen: dict[str, Any]) -> None:
    left, top, right, bottom = seen["stage"]
    for box in seen["labelBoxes"]:
        inside = left - 1 <= box[0] and box[2] <= right + 1 and top - 1 <= box[1] and box[3] <= bottom + 1
        assert inside, f"label {box} leaves the picture {seen['stage']}"


def test_live_view_boxes_sit_on_their_frame_over_their_object(
    tmp_path: Path, browser: Browser, size: str
) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, bridge):
        frames = _car_along_the_top_edge(50)
        bridge.tracks[CAMERA] = frames
        # Not the newest tracked frame (50): the picture the bridge holds is frame 30's.
        bridge.pictures[CAMERA] = picture_of(frames[29], 320, 240)
        page = browser.new_context(viewport=SIZES[size]).new_page()  # type: ignore[arg-type]
        _log_in_to_the_editor(page, url)
        page.click("[data-action=live]")
        first = _seen_at(page, (320, 240), _iso(frames[29]))
        expect(page.locator("#live-at")).to_contain_text(_iso(frames[29])[:19].replace("T", " "))
        shot(page, f"picture-live-{size}", full_page=False)
        bridge.pictures[CAMERA] = picture_of(frames[39], 960, 540)  # the next analysed frame
        second = _seen_at(page, (960, 540), _iso(frames[39]))

    for seen in (first, second):
        assert seen["pictureAt"] == seen["boxesAt"], "picture and boxes of one frame"
        assert len(seen["under"]) == 1 and seen["under"][0] > 200, f"the box over its object: {seen['under']}"
        _labels_inside(seen)  # the car's label too, though its box touches the top edge


def test_labels_keep_one_screen_size_stay_inside_and_lines_show_their_sides(
    tmp_path: Path, browser: Browser, size: str
) -> None:
    """The snapshot as a 320x240 camera sends it, then as a 960x540 one (served to the page here: the
    example's Media Gateway does not exist)."""
    seen = {}
    with box_in_background(write_box_site(tmp_path)) as (url, _bridge):
        page = browser.new_context(viewport=SIZES[size]).new_page()  # type: ignore[arg-type]
        page.route("**/snapshot.jpg*", _serving(_jpeg(320, 240)))
        _log_in_to_the_editor(page, url)
        seen[320] = _seen_at(page, (320, 240))
        shot(page, f"picture-labels-320x240-{size}", full_page=False)
        page.unroute("**/snapshot.jpg*")
        page.route("**/snapshot.jpg*", _serving(_jpeg(960, 540)))
        page.reload()
        seen[960] = _seen_at(page, (960, 540))
        shot(page, f"picture-labels-960x540-{size}", full_page=False)

    small, large = seen[320], seen[960]
    for view in (small, large):
        assert view["covering"] == 0, "a line's name beside the line, not over it"
        assert view["lines"] == 2 and sorted(view["sides"]) == [["A", 1], ["A", 1], ["B", -1], ["B", -1]]
        _labels_inside(view)
    assert small["labelHeights"] and len(small["labelHeights"]) == len(large["labelHeights"])
    for tall_small, tall_large in zip(small["labelHeights"], large["labelHeights"], strict=True):
        assert abs(tall_small - tall_large) <= 1.5, (small["labelHeights"], large["labelHeights"])
    assert max(small["labelHeights"]) < 30, "a label a line of text high, not a third of the picture"
