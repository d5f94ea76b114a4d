"""What the user sees of the picture in the editor, in real headless Chromium at 1366×768 and
1920×1080: the live view's picture and boxes carry the same frame time and each box lies over its
object in that picture; labels keep one on-screen size whether the camera sends 320×240 or 960×540,
and never leave the picture; each counting line shows its A and B sides, on the sides the counting
code gives them. The box runs on the example site file in front of a stand-in bridge whose analysed
pictures the test paints: dark, with each object of the frame white where its box is.
Screenshots under var/test-artifacts/box/ (picture-*)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from analytics.frame_tracks import FrameTracks, TrackedObject
from tests.genetec_bridge.box.test_live_picture import picture_of
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
  // A line's name covering its own line: any of its points from a fifth to a third along under the label.
  const covering = [...svg.querySelectorAll("line.shape.line")].filter((l) => {
    const name = svg.querySelector(`text[data-line="${l.dataset.index}"]`).getBoundingClientRect();
    const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((k) => Number(l.getAttribute(k)));
    const ctm = svg.getScreenCTM();
    return [0.2, 0.25, 0.3].some((f) => {
      const p = new DOMPoint(x1 + (x2 - x1) * f, y1 + (y2 - y1) * f).matrixTransform(ctm);
      return name.left <= p.x && p.x <= name.right && name.top <= p.y && p.y <= name.bottom;
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


@pytest.fixture(autouse=True)
def _patient_expectations() -> Iterator[None]:
    """The shared test machine is slow at times (argon2 logins, page loads): no timing promise here."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def _car_along_the_top_edge(count: int) -> list[FrameTracks]:
    """Track 3 drives right along the top of the frame, 5 frames a second, captured just now: its
    label would leave the picture above it."""
    start = datetime.now(UTC) - timedelta(seconds=count / 5)
    return [
        FrameTracks(
            camera_id=CAMERA,
            frame=n + 1,
            time_s=n / 5,
            objects=(TrackedObject(3, "car", (0.05 + n * 0.01, 0.0, 0.2 + n * 0.01, 0.15), 0.9),),
            timestamp=start + timedelta(seconds=n / 5),
        )
        for n in range(count)
    ]


def _seen_at(page: Page, natural: tuple[int, int], at: str) -> dict[str, Any]:
    page.wait_for_function(
        "([w, h, at]) => { const i = document.getElementById('snapshot'); return i.naturalWidth === w"
        " && i.naturalHeight === h && i.dataset.frameAt === at && document.getElementById('drawing')"
        ".dataset.frameAt === at; }",
        arg=[*natural, at],
        timeout=20_000,
    )
    return dict(page.evaluate(_SEEN))


def _iso(frame: FrameTracks) -> str:
    assert frame.timestamp is not None
    return frame.timestamp.isoformat(timespec="milliseconds")


def test_live_view_boxes_sit_on_their_frame_and_labels_keep_one_size(
    tmp_path: Path, browser: Browser, size: str
) -> None:
    with box_in_background(write_box_site(tmp_path)) as (url, bridge):
        frames = _car_along_the_top_edge(50)
        bridge.tracks[CAMERA] = frames
        # Not the newest tracked frame (50): the picture the bridge holds is frame 30's.
        bridge.pictures[CAMERA] = picture_of(frames[29], 320, 240)
        page = browser.new_context(viewport=SIZES[size]).new_page()  # type: ignore[arg-type]
        page.goto(f"{url}/login?next=/cameras/{CAMERA}")
        page.fill("#user", "victor")
        page.fill("#password", PASSWORDS["victor"])
        page.click("button[type=submit]")
        expect(page.locator("line.shape.line").first).to_be_visible()

        page.click("[data-action=live]")
        small = _seen_at(page, (320, 240), _iso(frames[29]))
        expect(page.locator("#live-at")).to_contain_text(_iso(frames[29]))
        shot(page, f"picture-live-320x240-{size}", full_page=False)

        bridge.pictures[CAMERA] = picture_of(frames[39], 960, 540)
        large = _seen_at(page, (960, 540), _iso(frames[39]))
        shot(page, f"picture-live-960x540-{size}", full_page=False)

    for seen in (small, large):
        assert seen["pictureAt"] == seen["boxesAt"], "picture and boxes of one frame"
        assert seen["under"] and min(seen["under"]) > 200, f"each box over its object: {seen['under']}"
        assert seen["covering"] == 0, "a line's name beside the line, not over it"
        assert seen["lines"] == 2 and sorted(seen["sides"]) == [["A", 1], ["A", 1], ["B", -1], ["B", -1]]
        left, top, right, bottom = seen["stage"]
        for box in seen["labelBoxes"]:
            assert (
                left - 1 <= box[0] and box[2] <= right + 1 and top - 1 <= box[1] and box[3] <= bottom + 1
            ), f"label {box} leaves the picture {seen['stage']}"
    assert small["labelHeights"] and len(small["labelHeights"]) == len(large["labelHeights"])
    for tall_small, tall_large in zip(small["labelHeights"], large["labelHeights"], strict=True):
        assert abs(tall_small - tall_large) <= 1.5, (small["labelHeights"], large["labelHeights"])
    assert max(small["labelHeights"]) < 30, "a label a few lines of text high, not a third of the picture"
