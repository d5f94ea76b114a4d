"""The daemon as a real process: its socket's safety, its protocol edges, and a clean SIGTERM."""

import asyncio
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.link.framing import encode, open_link, read_message
from analytics.link.link_messages import FROM_DAEMON, FrameReady, Hello, InferenceState, LinkError

pytestmark = pytest.mark.integration


def _daemon(socket_path: Path, model: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "analytics.cli",
        "daemon",
        "--socket",
        str(socket_path),
        "--model",
        str(model),
        "--device",
        "cpu",
    ]


def test_a_socket_directory_open_to_other_users_is_refused(
    shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    done = subprocess.run(
        _daemon(shared / "d.sock", shared_asset("models/yolox_nano.onnx")),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "open to other users" in done.stderr and "0700" in done.stderr


async def test_daemon_answers_refuses_a_second_bridge_and_stops_on_sigterm(
    shared_asset: Callable[[str], Path], tmp_path: Path
) -> None:
    socket_path = tmp_path / "run" / "d.sock"
    process = await asyncio.create_subprocess_exec(
        *_daemon(socket_path, shared_asset("models/yolox_nano.onnx"))
    )
    try:
        for _ in range(300):
            if socket_path.exists():
                break
            await asyncio.sleep(0.1)
        reader, writer = await open_link(str(socket_path))
        hello = await read_message(reader, FROM_DAEMON)
        assert isinstance(hello, Hello) and hello.pid == process.pid and hello.device == "cpu"
        tier = await read_message(reader, FROM_DAEMON)
        assert isinstance(tier, InferenceState) and tier.tier == "onnxruntime" and tier.available
        assert oct(socket_path.stat().st_mode & 0o777) == "0o600"

        unknown = FrameReady(
            camera="nobody", slot=0, shape=(2, 2, 3), frame=1, time_s=0, captured_at=datetime.now(UTC)
        )
        writer.write(encode(unknown))
        refused = await asyncio.wait_for(read_message(reader, FROM_DAEMON), 10)
        assert isinstance(refused, LinkError) and "nobody" in refused.message

        other_reader, other_writer = await open_link(str(socket_path))
        second = await asyncio.wait_for(read_message(other_reader, FROM_DAEMON), 10)
        assert isinstance(second, LinkError) and "already connected" in second.message
        other_writer.close()

        process.terminate()
        assert await asyncio.wait_for(process.wait(), 15) == 0
        assert not socket_path.exists()
        writer.close()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
