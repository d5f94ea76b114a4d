"""`genetec-lab triton`: a real Triton Inference Server serving the detector on this machine.

    genetec-lab triton [--model PATH] [--port 8001] [--queue-delay-us 20000]

Runs until Ctrl-C or SIGTERM. Daemons reach it with [daemon] inference = "triton" and
[daemon.triton] url = "127.0.0.1:PORT". The server comes from the lab's Triton environment
(`make triton-venv`) and runs the model with onnxruntime on CPU behind Triton's dynamic batcher.
"""

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from analytics.assets import MissingAssetError, model_path
from genetec_bridge.lab.triton.server_process import MODEL_NAME, TritonServerProcess, TritonVenvMissing


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("triton", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument(
        "--model", type=Path, help="detector model with a dynamic batch axis (default: installed)"
    )
    parser.add_argument("--port", type=int, default=8001, help="gRPC port on 127.0.0.1 (0: a free one)")
    parser.add_argument(
        "--queue-delay-us",
        type=int,
        default=20_000,
        help="how long Triton's batcher may hold a request to merge it with other daemons' requests",
    )
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    try:
        model = args.model or model_path()
        server = TritonServerProcess(model, grpc_port=args.port, queue_delay_us=args.queue_delay_us)
        server.start()
    except (MissingAssetError, TritonVenvMissing, RuntimeError) as error:
        print(f"genetec-lab triton: {error}", file=sys.stderr)
        return 2

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"Triton serving model {MODEL_NAME} on grpc {server.url}; Ctrl-C stops it", flush=True)
    try:
        while server.running:
            time.sleep(1)
        print(f"genetec-lab triton: the server exited:\n{server.output()[-2000:]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
