"""The live view shows one analysed frame: its picture and its boxes together, and a "would fire"
marker on its track's box in that frame. The bridge holds the pictures of watched cameras only, until
the daemon answers them (link.analysed_pictures)."""

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np

from analytics.frame_tracks import FrameTracks, TrackedObject
from genetec_bridge.ingest.captured_frame import CapturedFrame
from genetec_bridge.link.analysed_pictures import AnalysedPicture, AnalysedPictures
from tests.support.box_site import running_box, session, write_box_site

CAMERA = "00000001-0000-babe-0000-00408ca1eb95"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WIDTH, HEIGHT = 320, 240


def captured(frame: int, camera: str = CAMERA) -> CapturedFrame:
    return CapturedFrame(
        camera, np.full((4, 4, 3), frame, np.uint8), frame, frame / 5, START + timedelta(seconds=frame / 5)
    )


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_only_a_watched_cameras_answered_frame_is_kept_with_its_own_pixels() -> None:
    clock = Clock()
    pictures = AnalysedPictures(watch_s=30, held=4, clock=clock)
    pictures.offer(captured(1))
    pictures.analysed(CAMERA, 1, captured(1).captured_at)
    assert pictures.watch(CAMERA) is None, "not watched when frame 1 came: nothing held"

    frames = [captured(n) for n in range(2, 8)]
    for frame in frames[:4]:
        pictures.offer(frame)  # frames 2..5 in flight
    pictures.analysed(CAMERA, 3, frames[1].captured_at)  # the daemon skipped 2
    picture = pictures.watch(CAMERA)
    assert picture is not None and (picture.frame, picture.captured_at) == (3, frames[1].captured_at)
    assert picture.image is frames[1].image, "held by reference, not copied"

    for frame in frames[4:]:
        pictures.offer(frame)  # 6 and 7: 4 held at most, so 4..7
    pictures.analysed(CAMERA, 6, frames[4].captured_at)
    picture = pictures.watch(CAMERA)
    assert picture is not None and picture.frame == 6 and picture.image is frames[4].image

    clock.now = 100.0  # nobody asked for 70 s past the watch: the next frame ends the watch
    pictures.offer(captured(8))
    pictures.analysed(CAMERA, 8, captured(8).captured_at)
    assert pictures.watch(CAMERA) is None

    pictures.offer(captured(9))  # watched again
    pictures.analysed(CAMERA, 9, captured(9).captured_at)
    assert pictures.watch(CAMERA) is not None
    pictures.forget(CAMERA)  # removed from the site
    assert pictures.watch(CAMERA) is None


def moving_track(count: int, place: Callable[[int], TrackedObject]) -> list[FrameTracks]:
    """`count` frames at 5 a second, the last captured just now, each with the one object `place` puts
    there at frame n."""
    start = datetime.now(UTC) - timedelta(seconds=count / 5)
    return [
        FrameTracks(
            camera_id=CAMERA,
            frame=n + 1,
            time_s=n / 5,
            objects=(place(n),),
            timestamp=start + timedelta(seconds=n / 5),
        )
        for n in range(count)
    ]


def _walking_person(count: int) -> list[FrameTracks]:
    """Track 7 walks left to right in the Bench zone."""
    return moving_track(
        count, lambda n: TrackedObject(7, "person", (0.15 + n * 0.001, 0.7, 0.19 + n * 0.001, 0.9), 0.9)
    )


def picture_of(frame: FrameTracks, width: int = WIDTH, height: int = HEIGHT) -> AnalysedPicture:
    """A dark picture with the frame's objects painted white where its boxes are."""
    image = np.full((height, width, 3), 30, np.uint8)
    for obj in frame.objects:
        x1, y1, x2, y2 = obj.box
        cv2.rectangle(
            image,
            (round(x1 * width), round(y1 * height)),
            (round(x2 * width), round(y2 * height)),
            (255, 255, 255),
            -1,
        )
    assert frame.timestamp is not None
    return AnalysedPicture(frame.frame, frame.timestamp, image)


async def test_the_live_answer_is_one_analysed_frame_picture_boxes_and_firing_markers(tmp_path: Path) -> None:
    async with running_box(write_box_site(tmp_path)) as (server, bridge):
        frames = _walking_person(60)
        bridge.tracks[CAMERA] = frames
        client, csrf = await session(server.url.rstrip("/"), "victor")
        draft = (await client.get(f"/api/cameras/{CAMERA}")).json()
        draft["camera"]["zones"].append(
            {"name": "Bench", "polygon": [[0.1, 0.6], [0.5, 0.6], [0.5, 0.95], [0.1, 0.95]]}
        )
        draft["camera"]["skills"].append({"kind": "loitering", "zone": "Bench", "min_dwell_s": 5})
        body = {"camera": draft["camera"], "schedules": draft["schedules"]}

        async def live() -> dict[str, object]:
            answer = await client.post(
                f"/api/cameras/{CAMERA}/live", json=body, headers={"X-CSRF-Token": csrf}
            )
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        nothing = await live()
        assert nothing["picture"] is None and nothing["objects"] == [], "no picture yet: no boxes either"

        # The daemon's newest answer is frame 60, but the newest picture held is frame 40's.
        shown = frames[39]
        bridge.pictures[CAMERA] = picture_of(shown)
        view = await live()
        assert shown.timestamp is not None
        # On the example site's clock (Europe/Paris), with the offset of that moment.
        paris = shown.timestamp.astimezone(ZoneInfo("Europe/Paris"))
        assert view["frame"] == 40 and view["at"] == paris.isoformat(timespec="milliseconds")
        [obj] = view["objects"]  # type: ignore[misc]
        assert obj["box"] == list(shown.objects[0].box)
        picture = str(view["picture"])
        assert picture.startswith("data:image/jpeg;base64,")
        image = cv2.imdecode(np.frombuffer(base64.b64decode(picture.split(",", 1)[1]), np.uint8), 1)
        x1, y1, x2, y2 = obj["box"]
        inside = image[round((y1 + y2) / 2 * HEIGHT), round((x1 + x2) / 2 * WIDTH)]
        assert image.shape == (HEIGHT, WIDTH, 3) and inside.min() > 200, "the box lies over its object"

        # Loitering starts 5 s in (frame 26): by frame 40 it is firing now, marked on the box of frame 40.
        firing = view["firing"]
        assert isinstance(firing, list) and [e["phase"] for e in firing] == ["start"]
        assert firing[0]["track_id"] == 7 and firing[0]["box"] == obj["box"]
