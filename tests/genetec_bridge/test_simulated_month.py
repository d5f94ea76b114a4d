"""A month of a bridge in simulated time, with the faults of a year: does anything die, leak or lie?

What is real: the bridge's own components, wired as `app.py` wires them. Two camera readers
(`CameraReader` threads with their back-off and supervision), `Loops`, the `DaemonSupervisor` and
`DaemonClient` on a real Unix socket (frames through real shared-memory rings), the analytics
`SkillEngine` (an intrusion skill with a night schedule in Europe/Paris), the `WebSdkKeeper`,
`DeliveryService` with its `Outbox` on a real SQLite file, `WebSdkClient`, and the readiness and
`/status` problem logic.

What is simulated: time (tests/support/simulated_time.py: an event loop whose clock jumps to the next
timer or thread wake-up; SQLite calls run inline on it); the video (readers open a stand-in for
OpenCV's capture that gives a small black frame every 5 simulated minutes, or fails while the camera is
"dead"); the daemon (an in-process peer speaking the link protocol, whose scene is a person standing
in the zone for the first 10 minutes of every hour, tracked by a script; a "kill" closes its socket
abruptly, as a SIGKILL does, and its track ids restart); Security Center (an `httpx.MockTransport` that records every
raised custom event, and plays the faults: unreachable raises a connect error, hung carries the request
out and holds the answer, the client's read timeout included); a full disk (the outbox's writes raise
SQLite's "database or disk is full" for 10 minutes). The `Bridge` object itself (app.py) is not run:
the test does its wiring.

The month, from 10 October 2026 (Paris leaves summer time on 25 October): camera A dead for 12 h, the
Web SDK unreachable for 2 h and hung for 5 min, the disk full for 10 min, the daemon killed 100 times,
the wall clock stepped back an hour. Health is checked at each stage, and at the end: every reader
alive and streaming, every event the daemon produced delivered, copies within the written guarantee
(at most two of an action, a second only after an unanswered first), no structure growing.
"""

import asyncio
import contextlib
import gc
import json
import os
import re
import sqlite3
import tempfile
import types
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import httpx
import numpy as np
import pytest

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.config.schedule import Schedule
from analytics.frame_tracks import FrameTracks, TrackedObject
from analytics.link.framing import encode
from analytics.link.link_messages import FrameResult, Hello
from analytics.skills.base import AlertRouting
from analytics.skills.engine import SkillEngine
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.delivery.service import DeliveryService
from genetec_bridge.health.readiness import not_ready_reasons, status_report
from genetec_bridge.health.status import BridgeStatus, StatusReport
from genetec_bridge.ingest import reader as reader_module
from genetec_bridge.ingest.reader import CameraReader, ReaderSettings
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor
from genetec_bridge.supervision import Loops
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.keeper import WebSdkKeeper
from tests.support.simulated_time import SimulatedLoop, SimulatedTime

START = datetime(2026, 10, 10, tzinfo=UTC)
DAY, HOUR, MINUTE = 86400.0, 3600.0, 60.0
MONTH_S = 31 * DAY
FRAME_S = 5 * MINUTE  # one analysed frame per camera every 5 simulated minutes
CAMERA_A, CAMERA_B = "00000001-0000-babe-0000-00000000000a", "00000001-0000-babe-0000-00000000000b"
PARIS = ZoneInfo("Europe/Paris")
NIGHTS = {"timezone": "Europe/Paris", "windows": [{"start": "22:00", "end": "06:00"}]}
ROUTING = AlertRouting(mode="live", custom_event_id=5000)
CLIENT_TIMEOUT_S, ANSWER_TIMEOUT_S = 3.0, 120.0
DAEMON_KILLS = 100
EVENT_ID = re.compile(rb'"id":\s*"([0-9a-f-]{36})"')
TIMESTAMP = re.compile(rb'"timestamp":\s*"([^"]+)"')

# The faults, in simulated seconds from the start. Outages start 4 minutes past an hour, just before
# the second frame of the hour's visit confirms an intrusion, so events wait or are in flight.
CAMERA_DEAD = (2 * DAY + 20 * HOUR, 2 * DAY + 32 * HOUR)  # 12 h, from 22:00 Paris
WEBSDK_DOWN = (4 * DAY + 22 * HOUR + 4 * MINUTE, 4 * DAY + 24 * HOUR + 4 * MINUTE)  # 2 h, at night
WEBSDK_HUNG = (6 * DAY + 23 * HOUR + 4 * MINUTE, 6 * DAY + 23 * HOUR + 9 * MINUTE)  # 5 min
DISK_FULL = (8 * DAY + 22 * HOUR + 2 * MINUTE, 8 * DAY + 22 * HOUR + 12 * MINUTE)  # 10 min
WALL_STEP_BACK = 20 * DAY + 3 * HOUR  # the wall clock goes back an hour
DST_CHANGE = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 03:00 summer time becomes 02:00 winter time


def during(window: tuple[float, float], now: float) -> bool:
    return window[0] <= now < window[1]


def site() -> AnalyticsSite:
    skill = {
        "kind": "intrusion",
        "name": "night intrusion",
        "zone": "yard",
        "classes": ["person"],
        "schedule": "nights",
        "cooldown_s": 0,
        "grace_s": 1.5 * FRAME_S,  # frames 5 minutes apart: a visit must survive the gap between two
    }
    zone = {"name": "yard", "polygon": [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]}
    cameras = [
        CameraConfig.model_validate({"id": guid, "name": name, "fps": 1, "zones": [zone], "skills": [skill]})
        for guid, name in ((CAMERA_A, "A"), (CAMERA_B, "B"))
    ]
    return AnalyticsSite(schedules={"nights": Schedule.model_validate(NIGHTS)}, cameras=cameras)


# -- the video: a stand-in for OpenCV's capture, on the simulated clock ----------------------------------


def simulated_cv2(time: SimulatedTime) -> types.SimpleNamespace:
    """What the reader module uses of cv2, with captures that follow the simulated camera's state."""

    class Capture:
        def __init__(self, url: str, *_options: object) -> None:
            self._camera = CAMERA_A if CAMERA_A in url else CAMERA_B
            self._open = self._alive()

        def _alive(self) -> bool:
            return not (self._camera == CAMERA_A and during(CAMERA_DEAD, time.now))

        def isOpened(self) -> bool:
            return self._open

        def grab(self) -> bool:
            time.thread_sleep(FRAME_S)
            return self._alive() and not time.stopped

        def retrieve(self) -> tuple[bool, np.ndarray]:
            return True, np.zeros((8, 8, 3), np.uint8)

        def release(self) -> None:
            self._open = False

    names = ("CAP_FFMPEG", "CAP_PROP_OPEN_TIMEOUT_MSEC", "CAP_PROP_READ_TIMEOUT_MSEC")
    names += ("CAP_PROP_HW_ACCELERATION", "VIDEO_ACCELERATION_ANY")
    return types.SimpleNamespace(VideoCapture=Capture, **{name: getattr(cv2, name) for name in names})


# -- the daemon: the link protocol, a scripted tracker, the real skill engine -----------------------------


@dataclass
class SimulatedDaemon:
    """Serves the bridge on a Unix socket as the analytics daemon does; `kill()` ends its life abruptly."""

    time: SimulatedTime
    socket_path: Path
    produced: list[str] = field(default_factory=list)
    lives: int = 0
    _writer: asyncio.StreamWriter | None = None
    _engines: dict[str, SkillEngine] = field(default_factory=dict)
    _next_track: int = 1
    _visits: dict[str, tuple[int, int]] = field(default_factory=dict)  # camera -> (hour, track id)

    async def start(self) -> asyncio.AbstractServer:
        return await asyncio.start_unix_server(self._serve, path=str(self.socket_path))

    def kill(self) -> None:
        if self._writer is not None:
            self._writer.transport.abort()
            self._writer = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.kill()  # one bridge at a time
        self.lives += 1
        self._writer = writer
        # A new process: a new tracker (ids from 1) and fresh skill state, as after a real restart.
        self._engines, self._next_track, self._visits = {}, 1, {}
        writer.write(encode(Hello(pid=os.getpid(), device="cpu", batch_size=1)))
        with contextlib.suppress(ConnectionError):
            while line := await reader.readline():
                message = json.loads(line)
                if message["type"] == "configure":
                    configured = AnalyticsSite.model_validate(message["site"])
                    self._engines = {
                        camera.id: SkillEngine(camera, configured.schedules) for camera in configured.cameras
                    }
                elif message["type"] == "frame" and writer is self._writer:
                    writer.write(encode(self._analyse(message)))

    def _analyse(self, frame: dict) -> FrameResult:
        camera, captured_at = frame["camera"], datetime.fromisoformat(frame["captured_at"])
        objects = self._scene(camera)
        tracks = FrameTracks(camera, frame["frame"], frame["time_s"], objects, timestamp=captured_at)
        events = self._engines[camera].process(tracks)
        self.produced += [event.id for event in events]
        return FrameResult(
            camera=camera,
            frame=frame["frame"],
            time_s=frame["time_s"],
            captured_at=captured_at,
            counts={"person": len(objects)},
            detected=bool(objects),
            events=events,
            inference_s=0.01,
        )

    def _scene(self, camera: str) -> tuple[TrackedObject, ...]:
        """A person in the yard for the first 10 minutes of every simulated hour (two frames)."""
        hour, minute = divmod(self.time.now, HOUR)
        if minute >= 10 * MINUTE:
            return ()
        visit = self._visits.get(camera)
        if visit is None or visit[0] != hour:
            visit = self._visits[camera] = (int(hour), self._next_track)
            self._next_track += 1
        return (TrackedObject(visit[1], "person", (0.45, 0.4, 0.55, 0.6), 0.9),)


# -- Security Center: records what it raised, plays the outage and the hang -------------------------------


@dataclass
class SimulatedSecurityCenter:
    time: SimulatedTime
    raised: Counter[str] = field(default_factory=Counter)
    timestamps: list[datetime] = field(default_factory=list)  # capture times of the events raised

    async def handle(self, request: httpx.Request) -> httpx.Response:
        now = self.time.now
        if during(WEBSDK_DOWN, now):
            raise httpx.ConnectError("connection refused", request=request)
        if "RaiseCustomEvent" in request.url.path:
            found, stamp = EVENT_ID.search(request.read()), TIMESTAMP.search(request.read())
            assert found and stamp, "a raised custom event without the event's id and time in its payload"
            self.raised[found.group(1).decode()] += 1  # carried out on arrival, hang or not
            self.timestamps.append(datetime.fromisoformat(stamp.group(1).decode()))
        if during(WEBSDK_HUNG, now):
            read_timeout = request.extensions["timeout"]["read"]
            left = WEBSDK_HUNG[1] - now
            await asyncio.sleep(min(left, read_timeout))
            if left > read_timeout:
                raise httpx.ReadTimeout("no answer", request=request)  # as httpcore does
        return httpx.Response(200, json={"Rsp": {"Status": "Ok"}})


# -- the month -----------------------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    at_s: float
    report: StatusReport
    not_ready: list[str]


@dataclass
class Month:
    time: SimulatedTime
    daemon: SimulatedDaemon
    security_center: SimulatedSecurityCenter
    outbox_path: Path
    stages: list[Stage] = field(default_factory=list)
    readers_alive: list[bool] = field(default_factory=list)
    reader_status: dict[str, object] = field(default_factory=dict)
    possible_duplicates: int = 0
    objects_by_day: dict[int, int] = field(default_factory=dict)
    sizes_by_day: dict[int, dict[str, int]] = field(default_factory=dict)
    final: StatusReport | None = None
    delivered_timestamps: list[datetime] = field(default_factory=list)


def outbox_rows(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])


def disk_full_on(outbox: Outbox, time: SimulatedTime) -> None:
    """The outbox's writes fail as on a full disk during DISK_FULL (reads still work, as they do)."""
    for name in (
        "add",
        "add_many",
        "mark_sending",
        "mark_action_done",
        "mark_delivered",
        "mark_error",
        "mark_in_doubt",
    ):
        method = getattr(outbox, name)

        def failing(*args: object, _method=method) -> object:  # type: ignore[no-untyped-def]
            if during(DISK_FULL, time.now):
                raise sqlite3.OperationalError("database or disk is full")
            return _method(*args)

        setattr(outbox, name, failing)


async def run_month(time: SimulatedTime, work: Path, sock_dir: Path) -> Month:
    daemon = SimulatedDaemon(time, sock_dir / "analytics.sock")
    security_center = SimulatedSecurityCenter(time)
    month = Month(time, daemon, security_center, work / "outbox.sqlite3")
    server = await daemon.start()
    configured = site()
    loops = Loops(clock=time.monotonic)
    outbox = Outbox(month.outbox_path, clock=time.wall)
    disk_full_on(outbox, time)
    client = WebSdkClient(
        "http://security-center.invalid/WebSdk/",
        "analytics",
        "not-a-real-password",
        timeout=CLIENT_TIMEOUT_S,
        answer_timeout=ANSWER_TIMEOUT_S,
        transport=httpx.MockTransport(security_center.handle),
    )
    delivery = DeliveryService(
        client, outbox, clock=time.monotonic, poll_s=60.0, max_events_per_minute_per_camera=30
    )
    keeper = WebSdkKeeper(client, {}, ping_s=5 * MINUTE)

    async def on_result(result: FrameResult) -> None:
        for event in result.events:
            await delivery.enqueue(event, ROUTING)

    link = DaemonClient(configured, on_result)
    supervisor = DaemonSupervisor(
        link, DaemonLaunch(daemon.socket_path, managed=False, stall_s=30 * MINUTE, stall_check_s=10 * MINUTE)
    )
    settings = ReaderSettings(stall_timeout_s=3 * FRAME_S, stable_after_s=2 * FRAME_S)
    readers = [
        CameraReader(
            camera,
            f"rtsp://127.0.0.1:654/{camera.id}/live",
            link.submit,
            settings,
            loops,
            clock=time.monotonic,
            pause=time.thread_sleep,
            wall_clock=time.wall_datetime,
        )
        for camera in configured.cameras
    ]
    tasks = [
        asyncio.create_task(loops.run_async("daemon", supervisor.run)),
        asyncio.create_task(loops.run_async("delivery", delivery.run)),
        asyncio.create_task(loops.run_async("websdk", keeper.run)),
    ]
    for reader in readers:
        time.thread_starting()
        reader.start()

    def snapshot() -> BridgeStatus:
        return BridgeStatus(
            websdk=keeper.status,
            daemon=supervisor.status(),
            delivery=delivery.status(),
            cameras=[reader.status() for reader in readers],
            loops=loops.status(),
        )

    def stage(name: str) -> None:
        status = snapshot()
        month.stages.append(Stage(name, time.now, status_report(status), not_ready_reasons(status)))

    async def until(at_s: float) -> None:
        await asyncio.sleep(max(0.0, at_s - time.now))

    def memory(day: int) -> None:
        gc.collect()
        month.objects_by_day[day] = len(gc.get_objects())
        month.sizes_by_day[day] = {
            "outbox rows": outbox_rows(month.outbox_path),
            "delivery workers": len(delivery._workers),
            "loops": len(loops.status()),
        }

    # The schedule of faults and checks, in time order; daemon kills spread over the month in between.
    plan: list[tuple[float, str]] = [(HOUR, "settled")]
    plan += [(CAMERA_DEAD[0] + 15 * MINUTE, "camera A dead"), (CAMERA_DEAD[1] + HOUR, "camera A back")]
    plan += [(WEBSDK_DOWN[0] + 30 * MINUTE, "Web SDK unreachable"), (WEBSDK_DOWN[1] + HOUR, "Web SDK back")]
    plan += [(WEBSDK_HUNG[0] + 2 * MINUTE, "Web SDK hung"), (WEBSDK_HUNG[1] + HOUR, "Web SDK answers")]
    plan += [(DISK_FULL[0] + 5 * MINUTE + 30, "disk full"), (DISK_FULL[1] + HOUR, "disk has room")]
    plan += [(WALL_STEP_BACK, "wall clock back an hour"), (WALL_STEP_BACK + 2 * DAY, "two days later")]
    plan += [(10 * DAY + 7, "memory"), (MONTH_S, "memory")]
    kill_every = MONTH_S / (DAEMON_KILLS + 1)
    plan += [(kill_every * (i + 1) + 17 * MINUTE, "kill daemon") for i in range(DAEMON_KILLS)]
    try:
        for at_s, what in sorted(plan):
            await until(at_s)
            if what == "kill daemon":
                daemon.kill()
                # The supervisor reads the end of stream at once; its restart waits 0.5 s or more.
                await asyncio.sleep(0.1)
                if len(month.stages) < 40:
                    stage("daemon just killed")
            elif what == "memory":
                memory(round(time.now / DAY))
            elif what == "wall clock back an hour":
                stage("before the wall clock step")
                time.step_wall_clock(-HOUR)
            else:
                stage(what)
        # Six more hours (the month's last night ends at 05:00 UTC): the last visits are delivered.
        await until(MONTH_S + 6 * HOUR)
        month.final = status_report(snapshot())
        month.possible_duplicates = delivery.possible_duplicates
        month.reader_status = {reader.camera.id: reader.status() for reader in readers}
        month.readers_alive = [reader._thread.is_alive() for reader in readers]
    finally:
        time.stop()  # sleeping readers return at once and see their stop event
        for reader in readers:
            reader.stop(5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        link.close()
        server.close()
        await client.aclose()
        outbox.close()
    return month


@pytest.fixture
def month(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Month]:
    time = SimulatedTime(START)
    monkeypatch.setattr(reader_module, "cv2", simulated_cv2(time))
    loop = SimulatedLoop(time)
    # A short directory: a Unix socket path is limited to about 100 bytes.
    with tempfile.TemporaryDirectory(prefix="month-") as sock_dir:
        try:
            yield loop.run_until_complete(run_month(time, tmp_path, Path(sock_dir)))
        finally:
            time.stop()
            loop.close()


def stage_named(month: Month, name: str) -> Stage:
    return next(stage for stage in month.stages if stage.name == name)


def test_a_simulated_month_of_faults(month: Month) -> None:
    raised = month.security_center.raised
    print(  # the figures the README quotes (pytest -s)
        f"month: {len(month.daemon.produced)} events produced, {sum(raised.values())} raised"
        f" ({sum(raised.values()) - len(raised)} second copies), {month.daemon.lives} daemon lives,"
        f" camera A reconnects {month.reader_status[CAMERA_A].reconnects}, live objects by day"
        f" {month.objects_by_day}, sizes {month.sizes_by_day}"
    )
    # Every reader alive and streaming at the end; camera A retried past 1,024 back-off steps.
    assert all(month.readers_alive)
    assert all(status.streaming for status in month.reader_status.values())
    assert month.reader_status[CAMERA_A].reconnects > 1024
    assert month.daemon.lives == DAEMON_KILLS + 1

    # Every event the daemon produced was stored and raised; none more than twice (the guarantee), and
    # a second copy only for a request the hang left unanswered, counted as such.
    produced = Counter(month.daemon.produced)
    assert produced and max(produced.values()) == 1, "an occurrence id produced twice (ids collided)"
    assert set(raised) == set(produced), "events lost or unknown events raised"
    copies = Counter(raised.values())
    assert max(raised.values()) <= 2
    assert copies[2] == month.possible_duplicates >= 1  # the hang outlasted the answer window once
    assert copies[2] <= 2  # one request in flight per camera, one hang
    with contextlib.closing(sqlite3.connect(month.outbox_path)) as db:
        pending, parked = db.execute(
            "SELECT count(*) FILTER (WHERE delivered_at IS NULL AND rejected_at IS NULL),"
            " count(*) FILTER (WHERE rejected_at IS NOT NULL) FROM events"
        ).fetchone()
    assert (pending, parked) == (0, 0)

    # The night schedule in Paris time, through the change from summer to winter time.
    stamps = month.security_center.timestamps
    local_hours = {stamp.astimezone(PARIS).hour for stamp in stamps}
    assert local_hours <= {22, 23, 0, 1, 2, 3, 4, 5}, local_hours
    dst_night = [s for s in stamps if DST_CHANGE - timedelta(hours=4) <= s < DST_CHANGE + timedelta(hours=4)]
    assert {s.astimezone(PARIS).utcoffset() for s in dst_night} == {timedelta(hours=2), timedelta(hours=1)}

    # Health at each stage.
    settled = stage_named(month, "settled")
    assert settled.report.state == "ok" and not settled.not_ready
    dead = stage_named(month, "camera A dead")
    assert not dead.not_ready and dead.report.state == "degraded"
    assert any("1 of 2 cameras not streaming" in problem for problem in dead.report.problems)
    assert stage_named(month, "camera A back").report.state == "ok"
    down = stage_named(month, "Web SDK unreachable")
    assert any("Web SDK unreachable" in reason for reason in down.not_ready)
    assert any("waiting" in problem for problem in down.report.problems)
    assert not stage_named(month, "Web SDK back").not_ready
    assert stage_named(month, "Web SDK answers").report.state == "ok"
    assert any("Web SDK unreachable" in reason for reason in stage_named(month, "Web SDK hung").not_ready)
    full = stage_named(month, "disk full")
    assert not full.not_ready and any("outbox not writable" in p for p in full.report.problems)
    assert full.report.delivery.unstored >= 1
    assert stage_named(month, "disk has room").report.state == "ok"
    assert stage_named(month, "before the wall clock step").report.state == "ok"
    assert stage_named(month, "two days later").report.state == "ok"
    killed = [stage for stage in month.stages if stage.name == "daemon just killed"]
    assert killed and all(any("daemon not connected" in r for r in stage.not_ready) for stage in killed)
    assert month.final is not None and month.final.state == "ok", month.final.problems

    # Memory: the structures keyed by event, camera or loop do not grow with time (delivered events
    # leave the outbox after a day), and the number of live Python objects is flat over three weeks.
    first, last = month.sizes_by_day[10], month.sizes_by_day[31]
    assert last["delivery workers"] <= 2 and last["loops"] == first["loops"]
    assert last["outbox rows"] <= 2 * first["outbox rows"] + 20
    assert month.objects_by_day[31] < month.objects_by_day[10] * 1.02, month.objects_by_day
