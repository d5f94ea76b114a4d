"""`analytics check-model PATH`: load a detector model and check its input and output shapes."""

import argparse
import sys
from pathlib import Path

from analytics.detection import Detector, ModelError


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "check-model", help="Check that an ONNX file is a usable detector model.", description=__doc__
    )
    parser.add_argument("model", type=Path, help="ONNX model file (YOLOX layout).")
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    try:
        # The CPU is enough to load and check a model, and never builds a TensorRT engine.
        detector = Detector.in_process(args.model, device="cpu")
    except ModelError as error:
        print(f"{args.model}: unusable detector model: {error}", file=sys.stderr)
        return 2
    height, width = detector.input_size
    print(f"{args.model}: {detector.shapes.describe()}; input size {width}x{height}")
    return 0
