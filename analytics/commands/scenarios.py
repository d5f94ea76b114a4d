"""`analytics scenarios RUN_DIR --gt GT.txt`: the skills on many generated zones and lines of one scene.

Generates `--count` seeded scenarios (zones and lines a city might draw, see
`analytics.evaluation.scenarios`) on the annotated part of the scene, derives each one's reference
events from the ground truth with the written rules of `analytics.evaluation.reference_rules`,
replays the scenario's skills on the run's tracks (RUN_DIR/tracks.txt and run.json from one
`analytics run`; no video is read again), and scores them per kind. Even seeds are the tuning split,
odd seeds the report split.

Writes OUT/scenarios.md (the table, also printed), OUT/scenarios.csv (each scenario's scores),
OUT/scenarios.json (each scenario's zones and lines) and OUT/scenarios.png (the chart).
"""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from analytics.evaluation.event_matching import matching_rule
from analytics.evaluation.reference_rules import TOLERANCE
from analytics.evaluation.scenario_eval import (
    evaluate_scenario,
    markdown_table,
    scenarios_csv,
    summarise,
    write_chart,
)
from analytics.evaluation.scenarios import SceneArea, generate_many
from analytics.evaluation.track_frames import RunInfo, annotated_trajectories, run_frames

# Zones and lines stay where people are annotated: from this quantile of the annotated feet down.
AREA_TOP_QUANTILE = 0.02


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "scenarios",
        help="Score the skills on generated zones and lines of an annotated scene.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("run_dir", type=Path, help="Output directory of `analytics run` on the scene.")
    parser.add_argument("--gt", type=Path, required=True, help="MOTChallenge ground truth of the scene.")
    parser.add_argument(
        "--min-foot-y", type=float, help="Not annotated above this pixel row: no zone or line goes there."
    )
    parser.add_argument("--count", type=int, default=200, help="Number of scenarios (default 200).")
    parser.add_argument("--first-seed", type=int, default=0, help="Seed of the first scenario (default 0).")
    parser.add_argument(
        "--tolerance-s", type=float, default=2.0, help="Time tolerance of an event match (default 2 s)."
    )
    parser.add_argument(
        "--edge-tolerance",
        type=float,
        default=TOLERANCE,
        help=f"Band along zone edges and lines, in box heights, where the reference tolerates either side "
        f"(default {TOLERANCE:g}; 0: the plain rules, every graze required).",
    )
    parser.add_argument(
        "--split",
        choices=("both", "tuning", "report"),
        default="both",
        help="Evaluate only the scenarios of one split (default both).",
    )
    parser.add_argument("--out", type=Path, required=True, help="Directory for the table, CSV and chart.")
    parser.set_defaults(handler=_scenarios)


def scene_area(paths: dict, min_foot_y_normalised: float | None) -> SceneArea:
    points = [point for path in paths.values() for _, point, _ in path]
    if not points:
        raise ValueError("the ground truth has no annotated box (flag 1)")
    top = float(np.quantile([y for _, y in points], AREA_TOP_QUANTILE))
    if min_foot_y_normalised is not None:
        top = max(top, min_foot_y_normalised)
    return SceneArea(top=round(top, 4), bottom=1.0, walk_points=points)


def _scenarios(args: argparse.Namespace) -> int:
    if args.count < 1:
        print("--count must be at least 1", file=sys.stderr)
        return 2
    try:
        info = RunInfo.read(args.run_dir)
        frames = run_frames(args.run_dir, "00000000-0000-4e75-0000-00000000005c")
        paths = annotated_trajectories(args.gt, info.width, info.height, args.min_foot_y)
        area = scene_area(paths, None if args.min_foot_y is None else args.min_foot_y / info.height)
    except (OSError, ValueError, KeyError) as error:
        print(f"cannot evaluate scenarios: {error}", file=sys.stderr)
        return 2
    scenarios = [
        s for s in generate_many(args.first_seed, args.count, area) if args.split in ("both", s.split)
    ]
    results = [
        evaluate_scenario(s, frames, paths, info.fps, args.tolerance_s, args.edge_tolerance)
        for s in scenarios
    ]
    summaries = summarise(results)
    table = markdown_table(summaries)
    args.out.mkdir(parents=True, exist_ok=True)
    header = (
        f"{args.count} scenarios (seeds {args.first_seed}–{args.first_seed + args.count - 1}; even: tuning, "
        f"odd: report) on {args.run_dir}, zones and lines below y = {area.top:.3f}; edge band "
        f"{args.edge_tolerance:g} box heights; {matching_rule(args.tolerance_s)}\n\n"
    )
    (args.out / "scenarios.md").write_text(header + table)
    (args.out / "scenarios.csv").write_text(scenarios_csv(results))
    (args.out / "scenarios.json").write_text(json.dumps([asdict(s) for s in scenarios], indent=1) + "\n")
    write_chart(results, args.out / "scenarios.png")
    print(header + table, end="")
    print(f"wrote scenarios.md, scenarios.csv, scenarios.json, scenarios.png in {args.out}")
    return 0
