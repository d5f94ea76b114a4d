"""One lab Triton server for the Triton tests (session-scoped: it takes seconds to start).

A missing Triton environment fails the tests with what to run; they are never skipped."""

from collections.abc import Iterator

import pytest

from analytics.assets import MissingAssetError, model_path
from genetec_bridge.lab.triton.server_process import TritonServerProcess, TritonVenvMissing, triton_python


@pytest.fixture(scope="session")
def triton_server() -> Iterator[TritonServerProcess]:
    try:
        triton_python()
        model = model_path()
    except (TritonVenvMissing, MissingAssetError) as error:
        pytest.fail(str(error), pytrace=False)
    # A longer queue delay than production's: two daemons fed in step must meet in one batch even
    # on a loaded test machine.
    server = TritonServerProcess(model, queue_delay_us=200_000)
    server.start()
    yield server
    server.stop()
