"""`genetec-lab bridge-scale`: the bridge alone at a site's size, with a stand-in daemon and the fake Web SDK.

    genetec-lab bridge-scale [--cameras 90] [--simulated-minutes 60] [--speed 3] [--json FILE]

Real processes over real sockets: the fake Web SDK stands in for Security Center, the stand-in daemon
(standin_daemon.py, a process of its own) writes an hour of simulated results for every camera (5 fps, 10
tracked objects each, each of the camera's 3 alerting skills raising an event every 2 simulated minutes)
over the real link, at 3 times a real site's pace (`--speed`; the hour takes 20 minutes), and the bridge
(`genetec-bridge run`, daemon not managed) handles them. A real daemon answers only the frames it is
sent; the stand-in answers none, so an unpaced run (`--speed 0`) measures how fast the bridge reads,
held back by the link's backlog limit (daemon_client.py) rather than by the frames it sends. The cameras'
Media Gateway does not answer, so their readers keep retrying, as at a site whose cameras are down.

Meanwhile /readyz and /status are asked in turn, as a monitoring probe would, and timed. At the end: the
latency of each (median, p95), the bridge's own longest event-loop stall (/status `event_loop`), the
bridge's resident memory after the hour, and what became of the events: each written by the stand-in must
be stored once and raised once (produced = delivered + parked, none lost or twice). Bars (issue 26): p95
of both under 100 ms, longest stall under 250 ms, RSS under 1 GB.
"""

import argparse
import json
import re
import secrets
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from analytics.assets import REPO_ROOT
from genetec_bridge.lab.demo import start_child, wait_for_line
from genetec_bridge.lab.process_group import free_port, stop_process_group
from genetec_bridge.lab.soak import (
    WEBSDK_PASSWORD_ENV,
    WEBSDK_USER,
    camera_guid,
    local_sections,
    rss_mb,
    websdk_section,
    write_cameras,
)
from genetec_bridge.lab.soak_report import DeliveryFigures, delivery_figures, read_record

PROBE_EVERY_S = 0.1
DRAIN_S = 180.0
# Each camera's alerting skills: kind, custom event, options.
SKILLS = (
    ("intrusion", 8201, ""),
    ("loitering", 8202, "min_dwell_s = 10\n"),
    ("parking", 8203, 'classes = ["car"]\nmax_parking_s = 300\n'),
)
SKILLS_PER_CAMERA = len(SKILLS)
BARS = {"readyz_p95_ms": 100.0, "status_p95_ms": 100.0, "longest_stall_ms": 250.0, "bridge_rss_mb": 1024.0}
SQUARE = "[[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]"


@dataclass
class ScaleFigures:
    cameras: int
    alerting_skills: int
    simulated_minutes: float
    wall_s: float
    results_written: int
    events_written: int
    readyz_p50_ms: float
    readyz_p95_ms: float
    status_p50_ms: float
    status_p95_ms: float
    probes: int
    longest_stall_ms: float
    bridge_rss_mb: float
    delivery: DeliveryFigures

    def bars_met(self) -> dict[str, bool]:
        return {name: getattr(self, name) < bar for name, bar in BARS.items()}

    def events_accounted(self) -> bool:
        """Every event written was stored once and raised once, or parked; none lost, none twice."""
        figures = self.delivery
        return (
            figures.produced == self.events_written
            and figures.delivered + figures.parked == figures.produced
            and figures.lost == 0
            and figures.duplicated == 0
        )


def site_text(websdk_url: str, dead_rtsp_port: int, health_port: int, cameras: int) -> str:
    head = f"""# Written by `genetec-lab bridge-scale`.
{websdk_section(websdk_url)}
[media_gateway]
host = "127.0.0.1"
port = {dead_rtsp_port}        # nothing listens: every reader retries, as when cameras are down
username = "scale"
password = "not-used"

[daemon]
managed = false
socket_path = "run/analytics.sock"
{local_sections(health_port)}
[trust]
store_path = "trust.sqlite3"

[audit]
path = "audit/audit.jsonl"
"""
    skills = "".join(
        f"""
[[cameras.skills]]
kind = "{kind}"
zone = "square"
{options}[cameras.skills.alert]
mode = "live"
live_decided_by = "bridge scale bench"
live_reason = "measuring delivery needs live alerts"
custom_event_id = {custom_event}
"""
        for kind, custom_event, options in SKILLS
    )
    blocks = [
        f"""
[[cameras]]
id = "{camera_guid(index)}"
name = "Scale camera {index}"
fps = 5

[[cameras.zones]]
name = "square"
polygon = {SQUARE}
{skills}"""
        for index in range(cameras)
    ]
    return head + "".join(blocks)


class Prober:
    """Asks /readyz and /status in turn from a thread of its own, timing each answer."""

    def __init__(self, health_url: str) -> None:
        self._url = health_url
        self.latencies: dict[str, list[float]] = {"readyz": [], "status": []}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="prober", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self._stop.wait(PROBE_EVERY_S):
                for endpoint, timings in self.latencies.items():
                    began = time.perf_counter()
                    try:
                        client.get(f"{self._url}/{endpoint}")
                    except httpx.HTTPError:
                        continue  # not listening yet
                    timings.append(time.perf_counter() - began)


def percentile_ms(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


def run(
    var: Path, cameras: int, simulated_minutes: float, speed: float | None, alert_every_s: float = 120.0
) -> ScaleFigures:
    var.mkdir(parents=True, exist_ok=True)
    for old in var.glob("*.sqlite3*"):
        old.unlink()
    for name in ("websdk-received.jsonl", "written.json", "audit/audit.jsonl", "audit/audit.head"):
        (var / name).unlink(missing_ok=True)
    websdk_password = secrets.token_urlsafe(12)
    write_cameras(var / "websdk-cameras.json", cameras)
    record = var / "websdk-received.jsonl"
    fake_log, bridge_log, standin_log = var / "fake-websdk.log", var / "bridge.log", var / "standin.log"
    fake_command = [sys.executable, "-m", "genetec_bridge.lab.cli", "fake-websdk", "--port", "0"]
    fake_command += ["--cameras", str(var / "websdk-cameras.json"), "--username", WEBSDK_USER]
    fake_command += ["--record", str(record)]
    fake = start_child(fake_command, fake_log, {"FAKE_WEBSDK_PASSWORD": websdk_password})
    standin = bridge = None
    prober: Prober | None = None
    try:
        websdk_url = wait_for_line(fake_log, re.compile(r"listening on (\S+)"), fake, 30).group(1)
        health_port = free_port()
        site = var / "site.toml"
        site.write_text(site_text(websdk_url, free_port(), health_port, cameras), encoding="utf-8")
        standin_command = [sys.executable, "-m", "genetec_bridge.lab.standin_daemon"]
        standin_command += [
            "--socket",
            str(var / "run/analytics.sock"),
            "--written",
            str(var / "written.json"),
        ]
        standin_command += [
            "--simulated-s",
            str(simulated_minutes * 60),
            "--alert-every-s",
            str(alert_every_s),
        ]
        if speed is not None:
            standin_command += ["--speed", str(speed)]
        standin = start_child(standin_command, standin_log)
        while not (var / "run/analytics.sock").exists():
            if standin.poll() is not None:
                raise RuntimeError(f"the stand-in daemon exited; see {standin_log}")
            time.sleep(0.1)
        health_url = f"http://127.0.0.1:{health_port}"
        prober = Prober(health_url)
        began = time.monotonic()
        bridge_command = [sys.executable, "-m", "genetec_bridge.cli", "run", "--config", str(site)]
        bridge = start_child(bridge_command, bridge_log, {WEBSDK_PASSWORD_ENV: websdk_password})
        prober.start()
        while standin.poll() is None:
            if bridge.poll() is not None:
                raise RuntimeError(f"the bridge exited ({bridge.returncode}); see {bridge_log}")
            time.sleep(0.5)
        if standin.returncode != 0:
            raise RuntimeError(f"the stand-in daemon failed ({standin.returncode}); see {standin_log}")
        written = json.loads((var / "written.json").read_text(encoding="utf-8"))
        status = wait_delivered(health_url, len(written["events"]))
        wall_s = time.monotonic() - began
        rss = rss_mb(bridge.pid) or float("nan")
        prober.stop()
        prober_latencies = prober.latencies
        prober = None
    finally:
        if prober is not None:
            prober.stop()
        for process in (bridge, standin, fake):
            if process is not None:
                stop_process_group(process, timeout_s=15)
    readyz, status_latencies = prober_latencies["readyz"], prober_latencies["status"]
    return ScaleFigures(
        cameras=cameras,
        alerting_skills=cameras * SKILLS_PER_CAMERA,
        simulated_minutes=simulated_minutes,
        wall_s=round(wall_s, 1),
        results_written=written["results"],
        events_written=len(written["events"]),
        readyz_p50_ms=percentile_ms(readyz, 0.5),
        readyz_p95_ms=percentile_ms(readyz, 0.95),
        status_p50_ms=percentile_ms(status_latencies, 0.5),
        status_p95_ms=percentile_ms(status_latencies, 0.95),
        probes=len(readyz) + len(status_latencies),
        longest_stall_ms=round(1000 * status["event_loop"]["longest_stall_s"], 1),
        bridge_rss_mb=round(rss, 1),
        delivery=delivery_figures(var / "outbox.sqlite3", read_record(record)),
    )


def wait_delivered(health_url: str, events: int) -> dict:
    """The bridge's /status once every event is stored and nothing waits (or the last one after DRAIN_S)."""
    deadline = time.monotonic() + DRAIN_S
    status: dict = {}
    while time.monotonic() < deadline:
        try:
            status = httpx.get(f"{health_url}/status", timeout=30).json()
        except (httpx.HTTPError, ValueError):
            time.sleep(1)
            continue
        delivery = status["delivery"]
        if delivery["produced"] >= events and delivery["pending"] == 0:
            return status
        time.sleep(1)
    if not status:
        raise RuntimeError(f"the bridge never answered {health_url}/status within {DRAIN_S:g} s")
    return status


def report(figures: ScaleFigures) -> str:
    bars = figures.bars_met()
    lines = [
        f"bridge at scale: {figures.cameras} cameras, {figures.alerting_skills} alerting skills, "
        f"{figures.simulated_minutes:g} simulated minutes in {figures.wall_s:g} s",
        f"  results written {figures.results_written}, events written {figures.events_written}",
    ]
    for name, bar in BARS.items():
        lines.append(
            f"  {name:<18} {getattr(figures, name):>8}  (bar < {bar:g}: {'met' if bars[name] else 'NOT met'})"
        )
    lines.append(
        f"  /readyz median {figures.readyz_p50_ms} ms, /status median {figures.status_p50_ms} ms, {figures.probes} probes"
    )
    delivery = figures.delivery
    lines.append(
        f"  events: produced {delivery.produced}, delivered {delivery.delivered}, parked {delivery.parked}, "
        f"pending {delivery.pending}, lost {delivery.lost}, raised twice {delivery.duplicated}"
        f" ({'all accounted for' if figures.events_accounted() else 'NOT all accounted for'})"
    )
    return "\n".join(lines)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("bridge-scale", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument("--cameras", type=int, default=90)
    parser.add_argument("--simulated-minutes", type=float, default=60.0)
    parser.add_argument(
        "--speed",
        type=float,
        default=3.0,
        help="simulated seconds per real second (default 3; 0: as fast as the bridge reads)",
    )
    parser.add_argument(
        "--alert-every-s", type=float, default=120.0, help="simulated seconds between two events of a skill"
    )
    parser.add_argument("--var", type=Path, default=REPO_ROOT / "var/bridge-scale")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.set_defaults(handler=_bridge_scale)


def _bridge_scale(args: argparse.Namespace) -> int:
    figures = run(
        args.var.resolve(), args.cameras, args.simulated_minutes, args.speed or None, args.alert_every_s
    )
    print(report(figures))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(figures), indent=2), encoding="utf-8")
    return 0 if figures.events_accounted() and all(figures.bars_met().values()) else 1
