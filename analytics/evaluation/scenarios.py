"""Seeded random zones and lines on an annotated scene: what a city might draw on its own camera.

A scenario is a few zones (rectangles, convex polygons and non-convex stars, small to large, some
touching the image border) and lines (short to long, any angle), each placed either on a walking
path (centred on an annotated foot position) or anywhere in the annotated area. Every zone gets
an intrusion and a loitering skill, every line a counting skill, all for persons. The same seed
always gives the same scenario; even seeds form the tuning split, odd seeds the report split, so a
change is decided on one half and reported on the other.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from analytics.config.camera import CameraConfig, Line, Zone
from analytics.geometry.coordinates import Point, Segment
from analytics.skills.counting import CountingConfig
from analytics.skills.intrusion import IntrusionConfig
from analytics.skills.loitering import LoiteringConfig
from analytics.skills.registry import SkillConfig

ZONES_PER_SCENARIO = 2
LINES_PER_SCENARIO = 2
SHAPES = ("rectangle", "convex", "star")
PLACEMENTS = ("path", "anywhere")
DWELL_CHOICES_S = (5.0, 8.0, 10.0)
ZONE_RADIUS = (0.04, 0.25)  # normalised, before the shape's own stretch
LINE_LENGTH = (0.08, 0.5)
MIN_ZONE_AREA = 0.002  # a zone clipped to a sliver of the frame is redrawn


def split_of(seed: int) -> str:
    return "tuning" if seed % 2 == 0 else "report"


@dataclass(frozen=True, slots=True)
class ScenarioZone:
    name: str
    polygon: list[Point]
    shape: str
    placement: str
    dwell_s: float


@dataclass(frozen=True, slots=True)
class ScenarioLine:
    name: str
    segment: Segment
    placement: str


@dataclass(frozen=True, slots=True)
class Scenario:
    seed: int
    zones: list[ScenarioZone]
    lines: list[ScenarioLine]

    @property
    def split(self) -> str:
        return split_of(self.seed)

    def camera(self, camera_id: str, fps: float) -> CameraConfig:
        """The scenario as a camera: intrusion and loitering on each zone, counting on each line."""
        skills: list[SkillConfig] = []
        for zone in self.zones:
            skills.append(IntrusionConfig(zone=zone.name))
            skills.append(LoiteringConfig(zone=zone.name, min_dwell_s=zone.dwell_s))
        skills += [CountingConfig(line=line.name, classes=["person"]) for line in self.lines]
        return CameraConfig(
            id=camera_id,
            name=f"scenario {self.seed}",
            fps=min(fps, 30.0),
            zones=[Zone(name=z.name, polygon=z.polygon) for z in self.zones],
            lines=[Line(name=line.name, points=line.segment) for line in self.lines],
            skills=skills,
        )


@dataclass(frozen=True, slots=True)
class SceneArea:
    """Where zones and lines may go: the part of the frame that is annotated (normalised y range),
    and the annotated foot positions that make the walking paths."""

    top: float
    bottom: float
    walk_points: Sequence[Point]


def generate(seed: int, area: SceneArea) -> Scenario:
    rng = random.Random(seed)
    zones = [_zone(rng, area, f"z{i + 1}") for i in range(ZONES_PER_SCENARIO)]
    lines = [_line(rng, area, f"l{i + 1}") for i in range(LINES_PER_SCENARIO)]
    return Scenario(seed, zones, lines)


def generate_many(first_seed: int, count: int, area: SceneArea) -> list[Scenario]:
    return [generate(seed, area) for seed in range(first_seed, first_seed + count)]


def _centre(rng: random.Random, area: SceneArea, placement: str) -> Point:
    if placement == "path":
        x, y = rng.choice(area.walk_points)  # sorted by the caller: the seed alone decides
        return (x + rng.gauss(0, 0.02), y + rng.gauss(0, 0.02))
    return (rng.uniform(0.0, 1.0), rng.uniform(area.top, area.bottom))


def _clip(point: Point, area: SceneArea) -> Point:
    return (round(min(max(point[0], 0.0), 1.0), 4), round(min(max(point[1], area.top), area.bottom), 4))


def _zone(rng: random.Random, area: SceneArea, name: str) -> ScenarioZone:
    while True:
        shape, placement = rng.choice(SHAPES), rng.choice(PLACEMENTS)
        cx, cy = _centre(rng, area, placement)
        radius = rng.uniform(*ZONE_RADIUS)
        stretch = rng.uniform(0.5, 2.0)  # wider than tall or the other way round
        rotation = rng.uniform(0.0, math.pi)
        if shape == "rectangle":
            angles = [math.pi / 4, 3 * math.pi / 4, 5 * math.pi / 4, 7 * math.pi / 4]
            radii = [radius] * 4
        elif shape == "convex":
            angles = sorted(rng.uniform(0.0, 2 * math.pi) for _ in range(rng.randint(5, 8)))
            radii = [radius] * len(angles)
        else:  # a star: every other vertex pulled in, so the polygon is not convex
            count = 2 * rng.randint(3, 5)
            angles = [2 * math.pi * k / count for k in range(count)]
            radii = [radius if k % 2 == 0 else radius * rng.uniform(0.3, 0.6) for k in range(count)]
        points = []
        for angle, r in zip(angles, radii, strict=True):
            dx, dy = r * stretch * math.cos(angle), r / stretch * math.sin(angle)
            rx = dx * math.cos(rotation) - dy * math.sin(rotation)
            ry = dx * math.sin(rotation) + dy * math.cos(rotation)
            points.append(_clip((cx + rx, cy + ry), area))
        deduplicated = [p for i, p in enumerate(points) if p != points[i - 1]]
        if len(deduplicated) >= 3 and _area(deduplicated) >= MIN_ZONE_AREA:
            return ScenarioZone(name, deduplicated, shape, placement, rng.choice(DWELL_CHOICES_S))


def _line(rng: random.Random, area: SceneArea, name: str) -> ScenarioLine:
    while True:
        placement = rng.choice(PLACEMENTS)
        cx, cy = _centre(rng, area, placement)
        half = rng.uniform(*LINE_LENGTH) / 2
        angle = rng.uniform(0.0, math.pi)
        a = _clip((cx - half * math.cos(angle), cy - half * math.sin(angle)), area)
        b = _clip((cx + half * math.cos(angle), cy + half * math.sin(angle)), area)
        if math.dist(a, b) >= LINE_LENGTH[0] / 2:
            return ScenarioLine(name, (a, b), placement)


def _area(polygon: list[Point]) -> float:
    """Shoelace area (absolute)."""
    return (
        abs(
            sum(
                x0 * y1 - x1 * y0
                for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True)
            )
        )
        / 2
    )
