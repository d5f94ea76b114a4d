"""`analytics run VIDEO`: detector → tracker → skills on a video file, writing tracks and events.

Writes DIR/tracks.txt (MOTChallenge: frame,id,x,y,w,h,score,class,-1,-1, 1-based frames, pixels,
COCO class id), DIR/events.jsonl (one analytics event per line), DIR/run.json (fps, frames, frame
size) and DIR/counts.csv when the camera counts.
"""

import argparse
import logging
import sys
from pathlib import Path

from analytics.assets import MissingAssetError, model_path
from analytics.config.loader import ConfigError, load_analytics_site
from analytics.detection import DEVICES, Detector, DeviceUnavailableError, ModelError
from analytics.offline_run import VideoError, run_video


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "run",
        help="Analyse a video file offline.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("video", type=Path, help="Video file to analyse.")
    parser.add_argument("--config", type=Path, required=True, help="The integrator's TOML file.")
    parser.add_argument("--camera", help="Camera id or name (may be left out when the file has one camera).")
    parser.add_argument(
        "--fps", type=float, help="True frame rate of the file, overriding its header (time = (frame-1)/fps)."
    )
    parser.add_argument("--out", type=Path, required=True, help="Output directory.")
    parser.add_argument("--model", type=Path, help="Detector ONNX model (default: the installed model).")
    parser.add_argument("--device", choices=DEVICES, default="auto", help="Inference device (default auto).")
    parser.add_argument("--quiet", action="store_true", help="No progress bar.")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        site = load_analytics_site(args.config)
        if args.camera is not None:
            camera = site.camera(args.camera)
        elif len(site.cameras) == 1:
            camera = site.cameras[0]
        else:
            raise KeyError(
                f"{args.config} has {len(site.cameras)} cameras: choose one with --camera "
                f"({[c.name or c.id for c in site.cameras]})"
            )
        detector = Detector.in_process(args.model or model_path(), args.device)
        summary = run_video(
            args.video, camera, site.schedules, detector, args.out, fps=args.fps, progress=not args.quiet
        )
    except (ConfigError, MissingAssetError, ModelError, DeviceUnavailableError, VideoError) as error:
        print(error, file=sys.stderr)
        return 2
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    written = "tracks.txt, events.jsonl, run.json" + (", counts.csv" if summary.counts_written else "")
    print(
        f"{summary.frames} frames at {summary.fps:g} fps: {summary.tracks} tracks, {summary.events} events; "
        f"wrote {written} in {args.out}"
    )
    return 0
