"""Start the daemon: load the detector, serve the socket until SIGTERM (or the bridge leaves)."""

import asyncio
import logging
import signal
from pathlib import Path

from analytics.daemon.analyser import Analyser
from analytics.daemon.server import DaemonServer, prepare_socket_path
from analytics.detection import Detector, Device

log = logging.getLogger(__name__)


def run_daemon(
    socket_path: Path, model: Path, device: Device, batch_size: int, exit_on_disconnect: bool
) -> None:
    """Blocks until stopped. Raises SocketPathError, ModelError, DeviceUnavailableError before serving."""
    prepare_socket_path(socket_path)  # before the model loads: a wrong path is reported at once
    detector = Detector(model, device)
    server = DaemonServer(
        Analyser(detector),
        batch_size=batch_size,
        device=detector.device,
        exit_on_disconnect=exit_on_disconnect,
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, server.stop)
        await server.serve(socket_path)

    asyncio.run(serve())
    log.info("analytics daemon stopped")
