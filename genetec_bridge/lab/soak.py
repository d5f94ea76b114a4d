"""`make soak`: the whole chain for a while, with faults injected on a schedule, then a short report.

    genetec-lab soak --assets DIR [--minutes 30] [--cameras 8]

Real processes over real sockets: the RTSP test server streams PETS2009 to every camera (the first
camera from a server of its own, so that it alone can be stopped), the fake Web SDK stands in for
Security Center, the bridge (`genetec-bridge run`) starts the analytics daemon. Every camera runs a live
intrusion and a live loitering skill, each event routed to one custom event and nothing else, so each
event stored in the outbox should be raised exactly once in Security Center.

Faults, at fixed fractions of the run (the same schedule for 5 minutes as for 30): the daemon killed
(SIGKILL) three times; the Web SDK hung (requests carried out, answers held) for 20 s; answering 5 s
late (past the client's 3-s timeout) for 20 s; refusing connections for 5 % of the run (at least 30 s);
the first camera's RTSP server stopped for 5 % of the run (at least 30 s); the bridge killed (SIGKILL)
and restarted once. At the end the RTSP servers stop (no new events), the daemon gets 10 s to answer
the frames it had, the bridge up to 2 minutes to deliver what waits, then everything stops and the
report is written under --var (default var/soak/): report.md, report.json and rss.png (resident memory
of bridge and daemon over time).

Counted from the outbox (every event the bridge stored) and the fake's record (what Security Center
raised): produced, delivered, pending (kept in the outbox for the next start), parked, duplicated
(copies beyond the first), lost (marked delivered, never raised). An event the daemon made but the
bridge had not yet stored when it was killed is not counted anywhere: the daemon's events are not
persisted before the bridge takes them.
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx

from analytics.assets import REPO_ROOT
from genetec_bridge.lab.demo import PETS, free_port, start_child, wait_for_line
from genetec_bridge.lab.process_group import stop_process_group
from genetec_bridge.lab.rtsp_server_process import RtspServerProcess
from genetec_bridge.lab.soak_report import (
    Fault,
    LifetimeCounter,
    MemorySample,
    delivery_figures,
    read_record,
    write_report,
)

WEBSDK_USER = "soak"
WEBSDK_PASSWORD_ENV = "GENETEC_SOAK_WEBSDK_PASSWORD"
RTSP_USER = "analytics-rtsp"
STREAM_FPS = 5.0  # the RTSP server's rate per camera: half the encoding work of PETS's own 7 fps
ANALYSIS_FPS = 2.0  # what the daemon analyses per camera; 8 cameras share a small machine's cores
SAMPLE_EVERY_S = 5.0
SETTLE_S = 10.0
DRAIN_S = 120.0
INTRUSION_EVENT, LOITERING_EVENT = 8101, 8102
# PETS zones as in fixtures/demo/site.toml.template.
JUNCTION = "[[0.5599, 0.2951], [0.9115, 0.2951], [0.9701, 0.5208], [0.9701, 0.7292], [0.651, 0.7292], [0.5469, 0.5208]]"
GRASS = "[[0.0, 0.5208], [0.5469, 0.5729], [0.9635, 0.816], [1.0, 1.0], [0.0, 1.0]]"


class Stop(Exception):
    """SIGTERM: stop early and still write the report."""


def camera_guid(index: int) -> str:
    return f"00000001-0000-50a4-0000-{index:012x}"


def write_cameras(path: Path, cameras: int) -> None:
    """The fake Web SDK's entities: one camera per soak camera."""
    entities = [
        {"guid": camera_guid(i), "name": f"Soak camera {i}", "logical_id": 200 + i} for i in range(cameras)
    ]
    path.write_text(json.dumps({"cameras": entities, "alarms": [], "custom_events": []}), encoding="utf-8")


def websdk_section(websdk_url: str) -> str:
    """[genetec] for the lab's fake Web SDK (its password from WEBSDK_PASSWORD_ENV)."""
    return f"""[genetec]
url = "{websdk_url}"
allow_plain_http = true        # the fake Web SDK serves plain HTTP on 127.0.0.1
username = "{WEBSDK_USER}"
password = {{ env = "{WEBSDK_PASSWORD_ENV}" }}
timeout_s = 3
"""


def local_sections(health_port: int) -> str:
    """[health] on loopback, and the outbox and statistics store beside the site file."""
    return f"""
[health]
listen = "127.0.0.1"
port = {health_port}

[delivery]
outbox_path = "outbox.sqlite3"

[counting]
store_path = "statistics.sqlite3"
"""


def site_text(websdk_url: str, rtsp_port: int, lone_rtsp_port: int, health_port: int, cameras: int) -> str:
    head = f"""# Written by `genetec-lab soak`.
{websdk_section(websdk_url)}
[media_gateway]
host = "127.0.0.1"
port = {rtsp_port}
username = "{RTSP_USER}"
password = {{ file = "rtsp-password" }}
stream = "live"
transport = "tcp"

[daemon]
device = "cpu"
socket_path = "run/analytics.sock"
{local_sections(health_port)}"""
    blocks = []
    for index in range(cameras):
        own_gateway = (
            f'media_gateway = {{ host = "127.0.0.1", port = {lone_rtsp_port} }}\n' if index == 0 else ""
        )
        blocks.append(f"""
[[cameras]]
id = "{camera_guid(index)}"
name = "Soak camera {index}"
fps = {ANALYSIS_FPS:g}
{own_gateway}
[[cameras.zones]]
name = "junction_right"
polygon = {JUNCTION}

[[cameras.zones]]
name = "grass_front"
polygon = {GRASS}

[[cameras.skills]]
kind = "intrusion"
zone = "grass_front"
classes = ["person"]
cooldown_s = 5
[cameras.skills.alert]
mode = "live"
live_decided_by = "soak test"
live_reason = "the soak counts live deliveries"
custom_event_id = {INTRUSION_EVENT}
custom_event_name = "Soak: intrusion"

[[cameras.skills]]
kind = "loitering"
zone = "junction_right"
classes = ["person"]
min_dwell_s = 5
cooldown_s = 10
[cameras.skills.alert]
mode = "live"
live_decided_by = "soak test"
live_reason = "the soak counts live deliveries"
custom_event_id = {LOITERING_EVENT}
custom_event_name = "Soak: loitering"
""")
    return head + "".join(blocks)


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of a process from /proc (Linux), None when it is gone."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


@dataclass
class Chain:
    """The running processes and how to reach them."""

    var: Path
    rtsp: RtspServerProcess
    lone_rtsp: RtspServerProcess
    fake: subprocess.Popen
    websdk_url: str
    websdk_password: str
    health_url: str
    site: Path
    bridge: subprocess.Popen | None = None
    bridge_lives: int = 0

    def start_bridge(self) -> None:
        self.bridge_lives += 1
        command = [sys.executable, "-m", "genetec_bridge.cli", "run", "--config", str(self.site)]
        self.bridge = start_child(
            command, self.var / f"bridge-{self.bridge_lives}.log", {WEBSDK_PASSWORD_ENV: self.websdk_password}
        )

    def status(self) -> dict | None:
        try:
            return httpx.get(f"{self.health_url}/status", timeout=3).json()
        except (httpx.HTTPError, ValueError):
            return None  # starting, or killed

    def control(self, path: str, body: dict) -> None:
        httpx.post(httpx.URL(self.websdk_url).join(f"/_fake/{path}"), json=body, timeout=5).raise_for_status()


def schedule(duration_s: float, chain: Chain) -> list[tuple[float, str, Callable[[], object]]]:
    """(at, name, action): the faults at fixed fractions of the run."""
    outage_s = max(30.0, 0.05 * duration_s)

    def kill_daemon() -> None:
        pid = (chain.status() or {}).get("daemon", {}).get("pid")
        if pid:
            os.kill(pid, signal.SIGKILL)

    def kill_bridge() -> None:
        assert chain.bridge is not None
        os.killpg(chain.bridge.pid, signal.SIGKILL)  # its daemon goes with its group, as under systemd
        chain.bridge.wait()
        chain.start_bridge()

    return [
        (0.10, "daemon SIGKILL", kill_daemon),
        (0.20, "Web SDK hung 20 s", lambda: chain.control("outage", {"mode": "hang", "duration_s": 20})),
        (0.30, f"camera 0 RTSP server stopped {outage_s:.0f} s", chain.lone_rtsp.stop),
        (0.30 + outage_s / duration_s, "camera 0 RTSP server started", chain.lone_rtsp.start),
        (0.40, "Web SDK answers 5 s late for 20 s", lambda: chain.control("failures", {"delay_s": 5.0})),
        (
            0.40 + 20 / duration_s,
            "Web SDK answers on time",
            lambda: chain.control("failures", {"delay_s": 0}),
        ),
        (0.50, "daemon SIGKILL", kill_daemon),
        (
            0.60,
            f"Web SDK refusing connections {outage_s:.0f} s",
            lambda: chain.control("outage", {"mode": "refuse", "duration_s": outage_s}),
        ),
        (0.75, "bridge SIGKILL and restart", kill_bridge),
        (0.85, "daemon SIGKILL", kill_daemon),
    ]


def run(assets: Path, var: Path, minutes: float, cameras: int) -> int:
    video = assets / PETS
    if not video.is_file():
        print(
            f"soak: missing {video}; point --assets (make: ASSETS=...) at the shared assets", file=sys.stderr
        )
        return 1
    var.mkdir(parents=True, exist_ok=True)
    for old in ("outbox.sqlite3", "outbox.sqlite3-wal", "outbox.sqlite3-shm", "websdk-received.jsonl"):
        (var / old).unlink(missing_ok=True)  # each soak counts from zero
    duration_s = minutes * 60
    rtsp_password, websdk_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    (var / "rtsp-password").write_text(rtsp_password, encoding="utf-8")
    (var / "rtsp-password").chmod(0o600)
    mount = (video, STREAM_FPS)
    rtsp = RtspServerProcess(
        {f"/{camera_guid(i)}/live": mount for i in range(1, cameras)}, user=RTSP_USER, password=rtsp_password
    )
    lone_rtsp = RtspServerProcess({f"/{camera_guid(0)}/live": mount}, user=RTSP_USER, password=rtsp_password)
    write_cameras(var / "websdk-cameras.json", cameras)
    record = var / "websdk-received.jsonl"
    fake_log = var / "fake-websdk.log"
    fake_command = [sys.executable, "-m", "genetec_bridge.lab.cli", "fake-websdk", "--port", "0"]
    fake_command += ["--cameras", str(var / "websdk-cameras.json"), "--username", WEBSDK_USER]
    fake_command += ["--record", str(record)]
    fake = start_child(fake_command, fake_log, {"FAKE_WEBSDK_PASSWORD": websdk_password})
    chain: Chain | None = None
    samples: list[MemorySample] = []
    faults: list[Fault] = []
    counters = {name: LifetimeCounter() for name in ("camera reconnects", "daemon restarts", "loop restarts")}
    started = time.monotonic()
    try:
        rtsp.start()
        lone_rtsp.start()
        websdk_url = wait_for_line(fake_log, re.compile(r"listening on (\S+)"), fake, 30).group(1)
        health_port = free_port()
        site = var / "site.toml"
        site.write_text(
            site_text(websdk_url, rtsp.port, lone_rtsp.port, health_port, cameras), encoding="utf-8"
        )
        chain = Chain(
            var, rtsp, lone_rtsp, fake, websdk_url, websdk_password, f"http://127.0.0.1:{health_port}", site
        )
        chain.start_bridge()
        print(f"soak: {cameras} cameras for {minutes:g} min; logs and report in {var}", flush=True)
        pending = sorted(schedule(duration_s, chain), key=lambda fault: fault[0])
        next_sample = started
        while (elapsed := time.monotonic() - started) < duration_s:
            while pending and elapsed >= pending[0][0] * duration_s:
                _, name, action = pending.pop(0)
                print(f"soak: {elapsed / 60:5.1f} min  {name}", flush=True)
                faults.append(Fault(round(elapsed, 1), name))
                action()
            if time.monotonic() >= next_sample:
                next_sample += SAMPLE_EVERY_S
                sample(chain, elapsed, samples, counters)
            if chain.bridge is not None and chain.bridge.poll() is not None:
                # Not one of our kills: a finding. Shown in the report, and the bridge started again.
                name = f"bridge exited on its own ({chain.bridge.returncode}); restarted"
                print(f"soak: {elapsed / 60:5.1f} min  {name}", flush=True)
                faults.append(Fault(round(elapsed, 1), name))
                chain.start_bridge()
            if fake.poll() is not None:
                print(f"soak: the fake Web SDK exited ({fake.returncode}); see {fake_log}", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print("soak: stopping the cameras; waiting for the bridge to deliver what waits", flush=True)
        rtsp.stop()
        lone_rtsp.stop()
        # The daemon still answers the frames it had: settle first, then wait for two empty looks in a row.
        time.sleep(SETTLE_S)
        drain_until, empty_looks = time.monotonic() + DRAIN_S, 0
        while time.monotonic() < drain_until and empty_looks < 2:
            status = chain.status()
            empty = (
                status is not None
                and status["delivery"]["pending"] == 0
                and status["delivery"]["unstored"] == 0
            )
            empty_looks = empty_looks + 1 if empty else 0
            time.sleep(2)
    except (KeyboardInterrupt, Stop):
        print("\nsoak: stopped early; reporting what ran", flush=True)
    finally:
        if chain is not None and chain.bridge is not None:
            stop_process_group(chain.bridge, timeout_s=15)
        stop_process_group(fake, timeout_s=10)
        rtsp.stop()
        lone_rtsp.stop()
    if chain is None:
        return 1
    figures = delivery_figures(var / "outbox.sqlite3", read_record(record))
    reconnects = {name: counter.total for name, counter in counters.items()} | {
        "bridge restarts": chain.bridge_lives - 1
    }
    settings = {
        "minutes": round((time.monotonic() - started) / 60, 1),
        "cameras": cameras,
        "analysis fps per camera": ANALYSIS_FPS,
    }
    report = write_report(
        var, settings=settings, figures=figures, reconnects=reconnects, samples=samples, faults=faults
    )
    print(report.read_text(encoding="utf-8"))
    return 0 if figures.lost == 0 and figures.pending == 0 and figures.produced > 0 else 1


def sample(
    chain: Chain, elapsed: float, samples: list[MemorySample], counters: dict[str, LifetimeCounter]
) -> None:
    """Resident memory of bridge and daemon, and the restart counters of /status."""
    status = chain.status()
    pids = {"bridge": chain.bridge.pid if chain.bridge else None}
    if status:
        pids["daemon"] = status["daemon"].get("pid")
        counters["camera reconnects"].observe(sum(camera["reconnects"] for camera in status["cameras"]))
        counters["daemon restarts"].observe(status["daemon"]["restarts"])
        counters["loop restarts"].observe(sum(loop["restarts"] for loop in status["loops"]))
    for process, pid in pids.items():
        rss = rss_mb(pid)
        if rss is not None:
            samples.append(MemorySample(round(elapsed, 1), process, round(rss, 1)))


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("soak", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument(
        "--assets", type=Path, required=True, help="shared assets (data/pets09-s2l1/vtest.avi)"
    )
    parser.add_argument(
        "--var", type=Path, default=REPO_ROOT / "var/soak", help="where logs and the report go"
    )
    parser.add_argument("--minutes", type=float, default=30.0, help="how long the chain runs (default 30)")
    parser.add_argument("--cameras", type=int, default=8, help="how many cameras (default 8)")
    parser.set_defaults(handler=_soak)


def _soak(args: argparse.Namespace) -> int:
    if args.cameras < 2 or args.minutes <= 0:
        print("soak: --cameras must be at least 2 and --minutes positive", file=sys.stderr)
        return 2

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, stop)
    return run(args.assets.resolve(), args.var.resolve(), args.minutes, args.cameras)
