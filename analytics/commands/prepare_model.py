"""`analytics prepare-model SOURCE DESTINATION`: the detector model with a dynamic batch axis, checked."""

import argparse
import sys
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError

from analytics.detection import ModelError
from analytics.detection.dynamic_batch import write_dynamic_batch_copy


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "prepare-model",
        help="Write a dynamic-batch copy of a YOLOX model, checked against the original.",
        description=__doc__,
    )
    parser.add_argument("source", type=Path, help="YOLOX ONNX model as exported (batch fixed at 1).")
    parser.add_argument("destination", type=Path, help="Where the dynamic-batch copy goes.")
    parser.set_defaults(handler=_prepare)


def _prepare(args: argparse.Namespace) -> int:
    try:
        difference = write_dynamic_batch_copy(args.source, args.destination)
    except (ModelError, OSError, DecodeError, onnx.checker.ValidationError) as error:
        print(f"{args.source}: cannot prepare the model: {error}", file=sys.stderr)
        return 2
    print(
        f"{args.destination}: dynamic batch; outputs equal to the original's (largest difference {difference:.2g})"
    )
    return 0
