"""`analytics prepare-model SOURCE DESTINATION`: the detector model with free batch and size, checked."""

import argparse
import sys
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError

from analytics.detection import ModelError
from analytics.detection.free_axes import write_free_axes_copy


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "prepare-model",
        help="Write a copy of a YOLOX model with free batch and size, checked against the original.",
        description=__doc__,
    )
    parser.add_argument("source", type=Path, help="YOLOX ONNX model as exported (batch fixed at 1).")
    parser.add_argument("destination", type=Path, help="Where the copy goes.")
    parser.set_defaults(handler=_prepare)


def _prepare(args: argparse.Namespace) -> int:
    try:
        difference = write_free_axes_copy(args.source, args.destination)
    except (ModelError, OSError, DecodeError, onnx.checker.ValidationError) as error:
        print(f"{args.source}: cannot prepare the model: {error}", file=sys.stderr)
        return 2
    print(
        f"{args.destination}: free batch and size; outputs equal to the original's (largest difference {difference:.2g})"
    )
    return 0
