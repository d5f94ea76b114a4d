"""A stand-in analytics daemon: a real process that speaks the link protocol on the real Unix socket,
with no model. The supervisor starts it as its managed child through `StandInLaunch`.

At its connection it says hello, reads the configuration, writes a burst of `burst` results for the
first camera (frames 1..burst, at `rate` results per second, 0 = as fast as it can; the first one
alone, `pause_s` before the others), then:
  answer  answers every frame reference it is sent with one result (same camera and frame);
  silent  reads every message and answers nothing (a hung inference);
  exit    closes the link and exits at once, its results still on their way to the bridge.
It serves one connection and exits when the bridge closes it, as the real daemon does with
--exit-on-disconnect.
"""

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from analytics.link.framing import LinkClosed, encode, read_message
from analytics.link.link_messages import TO_DAEMON, Configure, FrameReady, FrameResult, Hello
from genetec_bridge.link.supervisor import DaemonLaunch

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
Then = Literal["answer", "silent", "exit"]


@dataclass(frozen=True)
class StandInLaunch(DaemonLaunch):
    """Starts the stand-in instead of the analytics daemon."""

    burst: int = 0
    rate: float = 0.0
    pause_s: float = 0.0
    then: Then = "answer"

    def command(self) -> list[str]:
        numbers = [str(self.burst), str(self.rate), str(self.pause_s)]
        return [sys.executable, __file__, str(self.socket_path), *numbers, self.then]


def burst_result(camera: str, frame: int) -> FrameResult:
    return FrameResult(
        camera=camera,
        frame=frame,
        time_s=frame / 10,
        captured_at=START + timedelta(seconds=frame / 10),
        counts={"person": 1},
        inference_s=0.001,
    )


async def _write_burst(
    writer: asyncio.StreamWriter, camera: str, count: int, rate: float, pause_s: float
) -> None:
    if not count:
        return
    writer.write(encode(burst_result(camera, 1)))
    await writer.drain()
    await asyncio.sleep(pause_s)
    if not rate:  # one write: as many results as the socket's buffers hold reach them at once
        writer.write(b"".join(encode(burst_result(camera, frame)) for frame in range(2, count + 1)))
        await writer.drain()
        return
    started = time.monotonic()
    for frame in range(2, count + 1):
        writer.write(encode(burst_result(camera, frame)))
        if (ahead := started + (frame - 1) / rate - time.monotonic()) > 0:
            await asyncio.sleep(ahead)
        await writer.drain()


def _answer(reference: FrameReady) -> FrameResult:
    return FrameResult(
        camera=reference.camera,
        frame=reference.frame,
        time_s=reference.time_s,
        captured_at=reference.captured_at,
        inference_s=0.001,
    )


async def _serve(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    burst: int,
    rate: float,
    pause_s: float,
    then: Then,
) -> None:
    writer.write(encode(Hello(pid=os.getpid(), device="stand-in", batch_size=1)))
    configure = await read_message(reader, TO_DAEMON)
    assert isinstance(configure, Configure), configure
    await _write_burst(writer, configure.site.cameras[0].id, burst, rate, pause_s)
    if then == "exit":
        writer.close()
        await writer.wait_closed()  # every byte handed to the kernel: the bridge can still read it
        return
    try:
        while True:
            message = await read_message(reader, TO_DAEMON)
            if then == "answer" and isinstance(message, FrameReady):
                writer.write(encode(_answer(message)))
    except LinkClosed:
        return


async def main(socket_path: str, burst: int, rate: float, pause_s: float, then: Then) -> None:
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    served = asyncio.get_running_loop().create_future()

    async def serve_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _serve(reader, writer, burst, rate, pause_s, then)
        finally:
            served.set_result(None)

    server = await asyncio.start_unix_server(serve_once, path=socket_path)
    async with server:
        await served


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("burst", type=int)
    parser.add_argument("rate", type=float)
    parser.add_argument("pause_s", type=float)
    parser.add_argument("then", choices=["answer", "silent", "exit"])
    arguments = parser.parse_args()
    asyncio.run(main(arguments.socket, arguments.burst, arguments.rate, arguments.pause_s, arguments.then))
