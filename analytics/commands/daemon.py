"""`analytics daemon`: serve the bridge over a local socket (see analytics.daemon)."""

import argparse
import logging
import sys
from pathlib import Path

from analytics.assets import MissingAssetError, model_path
from analytics.daemon.inference_choice import TIERS, InferenceChoice
from analytics.daemon.main import run_daemon
from analytics.daemon.server import SocketPathError
from analytics.detection import DEVICES, DeviceUnavailableError, ModelError


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "daemon", help="Serve analytics to the bridge over a local Unix socket.", description=__doc__
    )
    parser.add_argument("--socket", type=Path, required=True, help="Unix socket path (in a 0700 directory).")
    parser.add_argument("--model", type=Path, help="Detector ONNX model (default: the installed model).")
    parser.add_argument("--device", choices=DEVICES, default="auto", help="Inference device (default auto).")
    parser.add_argument(
        "--batch-size", type=int, default=8, help="Most frames (one per camera) per detector call."
    )
    defaults = InferenceChoice()
    parser.add_argument(
        "--inference",
        choices=TIERS,
        default=defaults.tier,
        help="Where the detector runs: in this process (onnxruntime) or on a Triton server (triton).",
    )
    parser.add_argument(
        "--triton-url",
        default=defaults.triton_url,
        help="Triton gRPC address host:port (with --inference triton).",
    )
    parser.add_argument(
        "--triton-model", default=defaults.triton_model, help="Model name on the Triton server."
    )
    parser.add_argument(
        "--inference-timeout",
        type=float,
        default=defaults.timeout_s,
        help="Seconds one inference request may take before it counts as failed.",
    )
    parser.add_argument(
        "--retry-max",
        type=float,
        default=defaults.retry_max_s,
        help="Longest wait between two tries while the inference tier fails (seconds).",
    )
    parser.add_argument(
        "--exit-on-disconnect",
        action="store_true",
        help="Exit when the bridge disconnects (used when the bridge runs the daemon as its child).",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s daemon %(levelname)s %(message)s")
    if args.batch_size < 1:
        print("--batch-size must be at least 1", file=sys.stderr)
        return 2
    if args.inference_timeout <= 0 or args.retry_max <= 0:
        print("--inference-timeout and --retry-max must be positive", file=sys.stderr)
        return 2
    try:
        # A daemon inferring on Triton needs no model file of its own.
        model = args.model or (model_path() if args.inference == "onnxruntime" else None)
        inference = InferenceChoice(
            args.inference, args.triton_url, args.triton_model, args.inference_timeout, args.retry_max
        )
        run_daemon(args.socket, model, args.device, args.batch_size, args.exit_on_disconnect, inference)
    except (MissingAssetError, ModelError, DeviceUnavailableError, SocketPathError) as error:
        print(f"analytics daemon: {error}", file=sys.stderr)
        return 2
    except Exception:
        logging.getLogger(__name__).exception("analytics daemon failed")
        return 1
    return 0
