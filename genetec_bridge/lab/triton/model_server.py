"""A real Triton Inference Server serving the detector model, for the lab and the tests.

Runs under the interpreter of the Triton virtual environment (var/triton-venv, `make triton-venv`),
never the product's: nvidia-pytriton bundles tritonserver 2.51 with its Python backend but pins
numpy below 2. So this file imports nothing from the project. PyPI's tritonserver has no ONNX Runtime
backend: the model is served by a PyTriton-bound Python function running onnxruntime on CPU, behind
Triton's own dynamic batcher; clients see a standard Triton model over gRPC (the same requests as
the production model repository in genetec_bridge/deploy/triton).

    python model_server.py --model yolox_nano.onnx --grpc-port 8001 [--name yolox_nano]
"""

import argparse
import logging
import os
import signal
import sys

import numpy as np
import onnxruntime as ort
from pytriton.decorators import batch
from pytriton.model_config import DynamicBatcher, ModelConfig, Tensor
from pytriton.triton import Triton, TritonConfig, TritonSecurityConfig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="YOLOX ONNX model with a dynamic batch axis")
    parser.add_argument("--name", default="yolox_nano", help="model name clients ask for")
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--metrics-port", type=int, required=True)
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument(
        "--queue-delay-us",
        type=int,
        default=5000,
        help="how long Triton's batcher may hold a request to merge it with others",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s triton %(levelname)s %(message)s")

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    (model_input,), (model_output,) = session.get_inputs(), session.get_outputs()
    if not isinstance(model_input.shape[0], str):
        print(f"{args.model}: the batch axis must be dynamic (analytics prepare-model)", file=sys.stderr)
        return 2

    @batch
    def infer(**inputs: np.ndarray) -> dict[str, np.ndarray]:
        blob = inputs[model_input.name]
        return {model_output.name: session.run(None, {model_input.name: blob})[0]}

    # Bound to 127.0.0.1: the lab server is for this machine only.
    config = TritonConfig(
        grpc_address="127.0.0.1",
        grpc_port=args.grpc_port,
        http_address="127.0.0.1",
        http_port=args.http_port,
        metrics_port=args.metrics_port,
        exit_timeout_secs=2,
    )
    # Statistics, model repository and shared memory stay behind PyTriton's access token; the caller
    # that started the server may pass one in the environment to read the statistics.
    security = TritonSecurityConfig(access_token=os.environ.get("TRITON_ACCESS_TOKEN") or None)
    with Triton(config=config, security_config=security) as triton:
        triton.bind(
            model_name=args.name,
            infer_func=infer,
            inputs=[Tensor(name=model_input.name, dtype=np.float32, shape=tuple(model_input.shape[1:]))],
            outputs=[Tensor(name=model_output.name, dtype=np.float32, shape=tuple(model_output.shape[1:]))],
            config=ModelConfig(
                max_batch_size=args.max_batch,
                batcher=DynamicBatcher(max_queue_delay_microseconds=args.queue_delay_us),
            ),
            strict=True,
        )
        signal.signal(signal.SIGTERM, lambda *_: triton.stop())
        print(f"serving model {args.name} on grpc 127.0.0.1:{args.grpc_port}", flush=True)
        triton.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
