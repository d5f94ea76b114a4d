"""The footage the benchmark plays, and the camera mixes it is played in.

`busy`: every camera a busy scene (people on a campus, urban traffic), as in earlier runs.
`city`: what a city's cameras show most of the time. Of every five cameras one is busy, one a quiet
road (vehicles now and then), three still: an empty street and parked cars. All from real footage:
the still clips are the longest stretch of real frames in which nothing moves, played back and forth
so the loop has no jump, with the sensor noise and compression of the real camera.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

PETS = "data/pets09-s2l1/vtest.avi"
URBAN = "data/traffic/urban-320x240.avi"
ROAD = "data/traffic/road-640x360.avi"
ROAD_STEP = 6  # the road clip runs at 30 fps; every sixth frame plays it at its real pace at 5 fps
PARKED_CARS = (560, 0, 768, 180)  # x1, y1, x2, y2 of PETS: the parked van and car, top right
CLIP_FRAMES = 100


@dataclass(frozen=True)
class Clip:
    name: str
    images: list[np.ndarray]
    decode_cpu_s: float  # per frame, decoding the source


@dataclass(frozen=True)
class Mix:
    name: str
    clips: list[Clip]  # camera i plays clips[i % len(clips)]

    def clip_for(self, camera_index: int) -> Clip:
        return self.clips[camera_index % len(self.clips)]


def decode(path: Path, count: int, step: int = 1) -> tuple[list[np.ndarray], float]:
    """Up to `count` frames (every `step`-th) and the CPU seconds one decoded frame cost."""
    capture = cv2.VideoCapture(str(path))
    images: list[np.ndarray] = []
    decoded = 0
    started = time.process_time()
    while len(images) < count:
        ok, image = capture.read()
        if not ok:
            break
        if decoded % step == 0:
            images.append(image)
        decoded += 1
    cpu_s = time.process_time() - started
    capture.release()
    if not images:
        raise SystemExit(f"bench: no frame decoded from {path}")
    return images, cpu_s / max(decoded, 1)


def still_stretch(images: list[np.ndarray], threshold: float = 0.0005) -> list[np.ndarray]:
    """The longest run of frames in which under `threshold` of a small grey copy changes, played
    forth and back (at least two frames)."""
    greys = [
        cv2.GaussianBlur(cv2.cvtColor(cv2.resize(i, (160, 90)), cv2.COLOR_BGR2GRAY), (5, 5), 0)
        for i in images
    ]
    best, start, run_start = (0, 1), 0, 0
    for n in range(1, len(greys)):
        if np.count_nonzero(cv2.absdiff(greys[n], greys[n - 1]) > 18) / greys[n].size >= threshold:
            run_start = n
        elif n + 1 - run_start > best[1] - best[0]:
            best = (run_start, n + 1)
    start, end = best
    stretch = images[start:end]
    return stretch + stretch[-2:0:-1]


def mixes(assets: Path) -> dict[str, Mix]:
    pets, pets_cpu = decode(assets / PETS, CLIP_FRAMES)
    urban, urban_cpu = decode(assets / URBAN, CLIP_FRAMES)
    road, road_cpu = decode(assets / ROAD, CLIP_FRAMES, ROAD_STEP)
    x1, y1, x2, y2 = PARKED_CARS
    parked_source, _ = decode(assets / PETS, 300)
    busy = [Clip("campus", pets, pets_cpu), Clip("urban traffic", urban, urban_cpu)]
    quiet = Clip("quiet road", road, road_cpu)
    empty = Clip("empty street", still_stretch(road), road_cpu)
    parked = Clip("parked cars", still_stretch([i[y1:y2, x1:x2].copy() for i in parked_source]), pets_cpu)
    return {
        "busy": Mix("busy", busy),
        "city": Mix("city", [busy[0], empty, quiet, parked, empty, busy[1], parked, quiet, empty, parked]),
    }
