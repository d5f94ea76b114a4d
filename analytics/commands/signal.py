"""`analytics signal VIDEO`: the state a red-light skill's signal region shows, frame by frame.

Reads the lamps as `analytics run` and the daemon do (privacy masks applied, the same reader and
hold), prints how many frames were read red, green and unknown and, given `--phases` (CSV
`first_frame,last_frame,state`, 1-based frames), the share of frames that agree with them, frames
within `--transition-s` of a phase change left out (default: the skill's `hold_s`, the time the
reader takes to report a new colour). `--out` writes `frame,time_s,state` per frame.
"""

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from analytics.config.camera import CameraConfig
from analytics.config.loader import ConfigError, load_analytics_site
from analytics.evaluation.signal_agreement import read_phases, score_signal
from analytics.frame_tracks import SignalState
from analytics.offline_run import VideoError, video_frames
from analytics.privacy_masks import apply_privacy_masks
from analytics.traffic_light.signal_reader import signal_readers


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "signal",
        help="Read a red-light skill's signal from a video file; score it against known phases.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("video", type=Path, help="Video file to read.")
    parser.add_argument("--config", type=Path, required=True, help="The integrator's TOML file.")
    parser.add_argument("--camera", help="Camera id or name (may be left out when the file has one camera).")
    parser.add_argument("--skill", help="Name of the red-light skill (may be left out when there is one).")
    parser.add_argument(
        "--fps", type=float, help="True frame rate of the file, overriding its header (time = (frame-1)/fps)."
    )
    parser.add_argument("--phases", type=Path, help="CSV first_frame,last_frame,state to score against.")
    parser.add_argument(
        "--transition-s",
        type=float,
        help="Frames this close to a phase change are not scored (default: the signal's hold_s).",
    )
    parser.add_argument("--out", type=Path, help="Write frame,time_s,state per frame to this CSV file.")
    parser.set_defaults(handler=_signal)


def _camera(args: argparse.Namespace) -> CameraConfig:
    site = load_analytics_site(args.config)
    if args.camera is not None:
        return site.camera(args.camera)
    if len(site.cameras) != 1:
        raise KeyError(f"{args.config} has {len(site.cameras)} cameras: choose one with --camera")
    return site.cameras[0]


def _signal(args: argparse.Namespace) -> int:
    try:
        camera = _camera(args)
        readers = signal_readers(camera)
        label = args.skill if args.skill is not None else next(iter(readers), None)
        if label not in readers:
            raise KeyError(
                f"no red-light skill with a video signal named {label!r} on this camera (known: {list(readers)})"
            )
        phases = read_phases(args.phases) if args.phases is not None else None
        frames, header_fps, _ = video_frames(args.video)
        fps = args.fps or header_fps
        if not fps or fps <= 0:
            raise VideoError(f"{args.video} does not state its frame rate: give it with --fps")
        reader = readers[label]
        transition_s = reader.config.hold_s if args.transition_s is None else args.transition_s
        states = [
            reader.read(apply_privacy_masks(image, camera.privacy_masks), index / fps)
            for index, image in enumerate(frames)
        ]
    except (ConfigError, VideoError, ValueError, OSError) as error:
        print(error, file=sys.stderr)
        return 2
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    if args.out is not None:
        with args.out.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["frame", "time_s", "state"])
            writer.writerows(
                [frame, f"{(frame - 1) / fps:.3f}", state] for frame, state in enumerate(states, 1)
            )
    counts = Counter(states)
    read = ", ".join(f"{state} {counts[state]}" for state in SignalState)
    print(f"signal {label!r}: {len(states)} frames at {fps:g} fps: {read}")
    if phases is not None:
        print(f"against {args.phases}, frames within {transition_s:g} s of a phase change left out:")
        print(score_signal(states, phases, fps, transition_s).summary())
    return 0
