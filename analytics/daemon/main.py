"""Start the daemon: load the detector, serve the socket until SIGTERM (or the bridge leaves)."""

import asyncio
import logging
import signal
from pathlib import Path

from analytics.daemon.analyser import Analyser
from analytics.daemon.inference_choice import InferenceChoice
from analytics.daemon.server import DaemonServer, prepare_socket_path
from analytics.detection import Detector, Device

log = logging.getLogger(__name__)


def run_daemon(
    socket_path: Path,
    model: Path | None,
    device: Device,
    batch_size: int,
    exit_on_disconnect: bool,
    inference: InferenceChoice | None = None,
) -> None:
    """Blocks until stopped. Raises SocketPathError, ModelError, DeviceUnavailableError before serving.

    A Triton server that does not answer yet is no error: the daemon serves and reports it."""
    prepare_socket_path(socket_path)  # before the model loads: a wrong path is reported at once
    inference = inference or InferenceChoice()
    backend = inference.backend(model, device)
    detector = Detector(backend)
    server = DaemonServer(
        Analyser(detector, retry_max_s=inference.retry_max_s),
        batch_size=batch_size,
        device=detector.device,
        tier_state=backend.state,
        exit_on_disconnect=exit_on_disconnect,
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, server.stop)
        await server.serve(socket_path)

    try:
        asyncio.run(serve())
    finally:
        backend.close()
    log.info("analytics daemon stopped")
