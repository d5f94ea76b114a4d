"""A stand-in analytics daemon, to load the bridge alone: the real link protocol on the real Unix socket.

It listens where the site's `[daemon] socket_path` says (the bridge runs with `managed = false` and
connects), greets the bridge, takes its configuration and then writes one result per camera and simulated
frame (`fps` per camera, `objects` tracked boxes each) as fast as the bridge reads them, or at `speed` times
real time. Every `alert_every_s` simulated seconds, each running skill of each camera raises one event.
Simulated capture times advance with the frames, so an hour of a site's results takes minutes.
What it wrote is counted: results and events (the events' ids are those the outbox must hold).
"""

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from analytics.config.camera import CameraConfig
from analytics.link.framing import MAX_LINE_BYTES, encode, read_message
from analytics.link.link_messages import TO_DAEMON, Configure, Hello, InferenceState

CLASSES = ("person", "car", "bicycle", "truck")


@dataclass
class Written:
    results: int = 0
    events: list[str] = field(default_factory=list)
    simulated_s: float = 0.0


class StandInDaemon:
    def __init__(
        self,
        socket_path: Path,
        *,
        fps: float = 5.0,
        simulated_s: float = 3600.0,
        objects: int = 10,
        alert_every_s: float = 120.0,
        speed: float | None = None,
        start: datetime,
    ) -> None:
        self._socket_path = socket_path
        self._fps = fps
        self._simulated_s = simulated_s
        self._objects = objects
        self._alert_every_s = alert_every_s
        self._speed = speed
        self._start = start
        self.written = Written()
        self.done = asyncio.Event()

    async def serve(self) -> None:
        """Listen until cancelled; each connection gets the rest of the simulated time."""
        self._socket_path.parent.mkdir(parents=True, exist_ok=True)
        self._socket_path.unlink(missing_ok=True)
        server = await asyncio.start_unix_server(
            self._connection, path=str(self._socket_path), limit=MAX_LINE_BYTES
        )
        async with server:
            await server.serve_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(encode(Hello(pid=os.getpid(), device="stand-in", batch_size=1)))
        writer.write(encode(InferenceState(tier="onnxruntime", target="stand-in", available=True)))
        await writer.drain()
        message = await read_message(reader, TO_DAEMON)
        if not isinstance(message, Configure):
            writer.close()
            return
        discard = asyncio.create_task(self._discard(reader))  # frames and rings: nothing to analyse
        try:
            await self._write_results(writer, message.site.cameras)
        finally:
            discard.cancel()
            writer.close()
        self.done.set()

    async def _discard(self, reader: asyncio.StreamReader) -> None:
        while await reader.read(65536):
            pass

    async def _write_results(self, writer: asyncio.StreamWriter, cameras: list[CameraConfig]) -> None:
        step = 1.0 / self._fps
        frames = int(self._simulated_s * self._fps)
        began = time.monotonic()
        first = int(self.written.simulated_s * self._fps)
        for frame in range(first + 1, frames + 1):
            time_s = frame * step
            captured_at = (self._start + timedelta(seconds=time_s)).isoformat()
            alerting = int(time_s / self._alert_every_s) != int((time_s - step) / self._alert_every_s)
            lines = [
                self._result(camera, index, frame, time_s, captured_at, alerting)
                for index, camera in enumerate(cameras)
            ]
            writer.write(b"".join(lines))
            self.written.simulated_s = time_s
            await writer.drain()
            if self._speed is not None:
                ahead = time_s / self._speed - (time.monotonic() - began)
                if ahead > 0:
                    await asyncio.sleep(ahead)

    def _result(
        self, camera: CameraConfig, index: int, frame: int, time_s: float, captured_at: str, alerting: bool
    ) -> bytes:
        objects = []
        for number in range(self._objects):
            # Objects drift across the picture and are replaced every minute: tracks come and go.
            track = (index * 1000 + number + frame // int(60 * self._fps) * self._objects) % 1_000_000
            x = (number / self._objects + time_s / 60.0) % 0.9
            y = 0.1 + 0.8 * number / self._objects
            objects.append(
                {
                    "track_id": track,
                    "class_name": CLASSES[number % len(CLASSES)],
                    "box": [x, y, x + 0.08, y + 0.1],
                    "score": 0.8,
                }
            )
        events = []
        if alerting:
            for skill in camera.running_skills():
                event_id = f"{camera.id}:{skill.label}:{frame}"
                events.append(
                    {
                        "id": event_id,
                        "kind": skill.kind,
                        "skill": skill.label,
                        "phase": "start",
                        "camera": camera.id,
                        "zone": getattr(skill, "zone", None),
                        "class": skill.classes[0],
                        "track_id": index * 1000,
                        "frame": frame,
                        "time_s": time_s,
                        "timestamp": captured_at,
                        "evidence": {"dwell_s": 10.0, "positions": [[0.5, 0.5]]},
                    }
                )
                self.written.events.append(event_id)
        self.written.results += 1
        result = {
            "type": "result",
            "camera": camera.id,
            "frame": frame,
            "time_s": time_s,
            "captured_at": captured_at,
            "counts": {"person": self._objects},
            "objects": objects,
            "events": events,
            "inference_s": 0.02,
        }
        return json.dumps(result, separators=(",", ":")).encode() + b"\n"


def main() -> None:
    """Run as a process of its own (the lab's bridge-scale run), so that writing results never shares a
    core's interpreter with the probes that time the bridge. Writes its counts to `--written` when done."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--written", type=Path, required=True, help="JSON file of what was written")
    parser.add_argument("--fps", type=float, default=5.0)
    parser.add_argument("--simulated-s", type=float, default=3600.0)
    parser.add_argument("--objects", type=int, default=10)
    parser.add_argument("--alert-every-s", type=float, default=120.0)
    parser.add_argument("--speed", type=float, default=None)
    args = parser.parse_args()
    daemon = StandInDaemon(
        args.socket,
        fps=args.fps,
        simulated_s=args.simulated_s,
        objects=args.objects,
        alert_every_s=args.alert_every_s,
        speed=args.speed,
        start=datetime.now().astimezone(),
    )

    async def run() -> None:
        serving = asyncio.create_task(daemon.serve())
        await daemon.done.wait()
        serving.cancel()
        written = daemon.written
        payload = {"results": written.results, "events": written.events, "simulated_s": written.simulated_s}
        args.written.write_text(json.dumps(payload), encoding="utf-8")
        print(f"stand-in daemon: done, {written.results} results, {len(written.events)} events", flush=True)

    asyncio.run(run())


if __name__ == "__main__":
    main()
