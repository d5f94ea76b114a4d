"""`analytics eval RUN_DIR`: score an `analytics run` output against ground truth and reference events.

Tracks (RUN_DIR/tracks.txt) against MOTChallenge ground truth: CLEAR-MOT (MOTA, MOTP), identity
(IDF1, IDP, IDR), precision, recall and ID switches at IoU ≥ 0.5, and HOTA (DetA, AssA); only
ground-truth rows with flag 1 count. Events (RUN_DIR/events.jsonl) against a reference events CSV: precision, recall and
false-alert rate per kind and zone or line, with the rate's 95 % bounds as the bridge's trust loop
computes them (exact one-sided upper bound, the promotion gate against --target; Wilson interval).
Line crossings against hand-annotated crossings: counts per line and direction, and the class confusion.
"""

import argparse
import sys
from pathlib import Path

from analytics.evaluation.event_matching import (
    format_event_scores,
    match_events,
    matching_rule,
    read_events,
    read_reference,
)
from analytics.evaluation.hota import evaluate_hota
from analytics.evaluation.mot_metrics import evaluate_mot
from analytics.evaluation.motchallenge import read_mot
from analytics.evaluation.vehicle_counts import read_counted, read_crossings, score_counts


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "eval",
        help="Score an offline run's tracks and events.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("run_dir", type=Path, help="Output directory of `analytics run`.")
    parser.add_argument(
        "--gt", type=Path, help="MOTChallenge ground truth (gt.txt) to score tracks.txt against."
    )
    parser.add_argument(
        "--min-foot-y",
        type=float,
        help="Ignore region: drop boxes (both sides) whose bottom edge is above this pixel row.",
    )
    parser.add_argument("--reference", type=Path, help="Reference events CSV to score events.jsonl against.")
    parser.add_argument(
        "--tolerance-s", type=float, default=2.0, help="Time tolerance of an event match (default 2 s)."
    )
    parser.add_argument(
        "--target",
        type=float,
        default=0.10,
        help="False-alert rate the gate column compares the upper bound with (default 0.10).",
    )
    parser.add_argument(
        "--crossings",
        type=Path,
        help="Hand-annotated line crossings CSV (vehicle,frame,line,direction,class) to score the counts against.",
    )
    parser.add_argument(
        "--tolerance-frames",
        type=int,
        default=30,
        help="Frame tolerance of a crossing match for --crossings (default 30).",
    )
    parser.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    if args.gt is None and args.reference is None and args.crossings is None:
        print("nothing to score: give --gt, --reference and/or --crossings", file=sys.stderr)
        return 2
    try:
        if args.gt is not None:
            gt = read_mot(args.gt, ground_truth=True, min_foot_y=args.min_foot_y)
            tracks = read_mot(args.run_dir / "tracks.txt", min_foot_y=args.min_foot_y)
            ignored = (
                "" if args.min_foot_y is None else f", boxes with foot above y={args.min_foot_y:g} ignored"
            )
            print(f"tracks vs {args.gt} (IoU >= 0.5{ignored}):")
            print(evaluate_mot(gt, tracks).summary())
            print(evaluate_hota(gt, tracks).summary())
        if args.reference is not None:
            scores = match_events(
                read_events(args.run_dir / "events.jsonl"), read_reference(args.reference), args.tolerance_s
            )
            print(f"\nevents vs {args.reference} ({matching_rule(args.tolerance_s)}):")
            print(format_event_scores(scores, args.target))
        if args.crossings is not None:
            counts = score_counts(
                read_counted(args.run_dir / "events.jsonl"),
                read_crossings(args.crossings),
                args.tolerance_frames,
            )
            print(
                f"\ncounts vs {args.crossings} (one-to-one, same line and direction, ±{args.tolerance_frames} frames):"
            )
            print(counts.summary())
    except (OSError, ValueError, KeyError) as error:
        print(f"cannot score: {error}", file=sys.stderr)
        return 2
    return 0
