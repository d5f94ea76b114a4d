"""`make demo`: the whole chain on one machine, with PETS2009 and an urban road clip standing in for city cameras.

    genetec-lab demo --assets DIR [--duration S]

Starts, each in a process group of its own:
  1. the RTSP test server, streaming PETS in a loop at its true 7 fps as a Media Gateway camera
     (rtsp://127.0.0.1:<port>/<camera GUID>/live, with RTSP Basic authentication), and the urban road
     clip as a second camera that counts the vehicles crossing a line;
  2. the fake Web SDK (`genetec-lab fake-websdk`), standing in for Security Center;
  3. the bridge (`genetec-bridge run --config var/demo/site.toml`), which starts the analytics daemon;
  with --triton, first a lab Triton server (`genetec-lab triton`) the daemon sends its batches to.
     The bridge serves the configuration box, whose URL and one-time demo account (random password)
     the demo prints.
It shows what the fake Security Center receives (custom events, bookmarks) as it arrives: custom events
of the live loitering skill, only shadow bookmarks of the intrusion skill, which is in shadow mode, and
the traffic counts as they accumulate (from the bridge's /status). Ctrl-C (or the end of --duration)
stops everything: SIGTERM to each group, SIGKILL after a grace period; then `genetec-bridge trust status`
shows each skill's mode and the alerts kept for review. Logs, the generated site file, the fake's record
of requests, the audit trail and the statistics store stay in var/demo/: `genetec-bridge counts export`
and `genetec-bridge report` run on var/demo/site.toml afterwards.
"""

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from string import Template
from types import FrameType
from typing import IO

import httpx

from analytics.assets import REPO_ROOT, model_path
from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.lab.process_group import free_port, stop_process_group
from genetec_bridge.lab.rtsp_server_process import RtspServerProcess
from genetec_bridge.lab.triton.server_process import TritonServerProcess

CAMERA_ID = "00000001-0000-babe-0000-00408ca1eb95"  # a camera the fake's fixture knows
PETS = Path("data/pets09-s2l1/vtest.avi")
PETS_FPS = 7.0  # the header says 10; the sequence was shot at 7
URBAN_CAMERA_ID = "00000001-0000-babe-0000-00408ca1eb96"  # the fake's second camera
URBAN = Path("data/traffic/urban-320x240.avi")
# The header says 60 fps; 30 halves the test server's encoding work on a small machine. Vehicles move
# at half speed, which changes nothing to what crosses the line in each loop of the clip.
URBAN_FPS = 30.0
COUNTS_EVERY_S = 15.0
TEMPLATE = REPO_ROOT / "fixtures/demo/site.toml.template"
WEBSDK_CAMERAS = REPO_ROOT / "fixtures/websdk-cameras.json"
WEBSDK_USER = "demo"
WEBSDK_PASSWORD_ENV = "GENETEC_DEMO_WEBSDK_PASSWORD"
RTSP_USER = "analytics-rtsp"
EVENT_LINE = re.compile(r"RaiseCustomEvent|Bookmark|TriggerAlarm", re.IGNORECASE)
FIRST_EVENT_WITHIN_S = 90.0
BOX_USER = "demo"


class Stop(Exception):
    """SIGTERM: leave as Ctrl-C does."""


def start_child(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our Ctrl-C is not theirs: we stop them in order
        )


def wait_for_line(
    log: Path, pattern: re.Pattern[str], process: subprocess.Popen, timeout_s: float
) -> re.Match[str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = pattern.search(log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"{log.name}: not ready after {timeout_s:g} s; see {log}")


def write_site(
    var: Path,
    websdk_url: str,
    rtsp_port: int,
    health_port: int,
    rtsp_password: str,
    triton_url: str | None = None,
    box_port: int = 0,
) -> Path:
    secret = var / "rtsp-password"
    secret.write_text(rtsp_password, encoding="utf-8")
    secret.chmod(0o600)
    site = var / "site.toml"
    site.write_text(
        Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
            websdk_url=websdk_url,
            websdk_user=WEBSDK_USER,
            websdk_password_env=WEBSDK_PASSWORD_ENV,
            rtsp_port=rtsp_port,
            rtsp_user=RTSP_USER,
            health_port=health_port,
            box_port=box_port,
            camera_id=CAMERA_ID,
            urban_camera_id=URBAN_CAMERA_ID,
            inference="triton" if triton_url else "onnxruntime",
            triton_url=triton_url or "127.0.0.1:8001",
        ),
        encoding="utf-8",
    )
    return site


def demo_account(accounts: Path) -> str:
    """A fresh integrator account for this run only, with a random password printed once."""
    accounts.unlink(missing_ok=True)
    password = secrets.token_urlsafe(12)
    AccountStore(accounts).add(BOX_USER, Role.INTEGRATOR, password)
    return password


def follow(log: IO[str], started: float, seen_event: bool) -> bool:
    """Print what the fake Security Center received since the last call; True once an event came."""
    for line in log.readlines():
        if line.strip() == "GET /":
            continue  # the bridge's reachability probe, every few seconds: noise here
        print(f"  security center | {line.rstrip()}", flush=True)
        if not seen_event and EVENT_LINE.search(line):
            seen_event = True
            print(
                f"==> first analytics event in Security Center {time.monotonic() - started:.0f} s after start"
            )
    return seen_event


def show_counts(health_url: str, shown: str) -> str:
    """Print the line crossings counted so far when they changed; what was printed."""
    try:
        crossings = httpx.get(f"{health_url}/status", timeout=2).json()["line_crossings"]
    except (httpx.HTTPError, ValueError, KeyError):
        return shown  # the bridge is starting: its health server is not up yet
    text = ", ".join(f"{c['line']} {c['class_name']} {c['direction']}: {c['count']}" for c in crossings)
    if crossings and text != shown:
        print(f"  traffic counts | {text}", flush=True)
    return text


def run(assets: Path, var: Path, duration_s: float | None, triton: bool = False) -> int:
    video, urban = assets / PETS, assets / URBAN
    for needed in (video, urban):
        if not needed.is_file():
            print(
                f"demo: missing {needed}; point --assets (make: ASSETS=...) at the shared assets",
                file=sys.stderr,
            )
            return 1
    var.mkdir(parents=True, exist_ok=True)
    rtsp_password = secrets.token_urlsafe(12)
    websdk_password = secrets.token_urlsafe(12)
    rtsp = RtspServerProcess(
        {f"/{CAMERA_ID}/live": (video, PETS_FPS), f"/{URBAN_CAMERA_ID}/live": (urban, URBAN_FPS)},
        user=RTSP_USER,
        password=rtsp_password,
    )
    children: dict[str, subprocess.Popen] = {}
    triton_server = TritonServerProcess(model_path()) if triton else None
    started = time.monotonic()
    warn_at = started + FIRST_EVENT_WITHIN_S
    seen_event = False
    try:
        rtsp.start()
        print(f"demo: camera {CAMERA_ID} streaming PETS at rtsp://127.0.0.1:{rtsp.port}/{CAMERA_ID}/live")
        print(f"demo: camera {URBAN_CAMERA_ID} streaming the urban road, counting vehicles on a line")

        fake_log = var / "fake-websdk.log"
        fake_command = [sys.executable, "-m", "genetec_bridge.lab.cli", "fake-websdk", "--port", "0"]
        fake_command += ["--cameras", str(WEBSDK_CAMERAS), "--username", WEBSDK_USER]
        fake_command += ["--record", str(var / "websdk-received.jsonl")]
        children["fake Web SDK"] = start_child(
            fake_command, fake_log, {"FAKE_WEBSDK_PASSWORD": websdk_password}
        )
        websdk_url = wait_for_line(
            fake_log, re.compile(r"listening on (\S+)"), children["fake Web SDK"], 30
        ).group(1)
        print(f"demo: fake Security Center Web SDK at {websdk_url}")

        if triton_server is not None:
            triton_server.start()
            print(f"demo: Triton Inference Server (lab) serving the detector on grpc {triton_server.url}")

        health_port, box_port = free_port(), free_port()
        triton_url = triton_server.url if triton_server else None
        site = write_site(var, websdk_url, rtsp.port, health_port, rtsp_password, triton_url, box_port)
        box_password = demo_account(var / "box/accounts.json")  # as written in the template
        bridge_command = [sys.executable, "-m", "genetec_bridge.cli", "run", "--config", str(site)]
        children["bridge"] = start_child(
            bridge_command, var / "bridge.log", {WEBSDK_PASSWORD_ENV: websdk_password}
        )
        print(f"demo: bridge running with {site}; health on http://127.0.0.1:{health_port}/readyz")
        print(f"demo: configuration box at http://127.0.0.1:{box_port}/")
        print(f"demo: log in as '{BOX_USER}' with the one-time password {box_password}")
        print(f"demo: logs in {var}; Ctrl-C stops everything")

        counts_shown, counts_at = "", started
        with fake_log.open(encoding="utf-8", errors="replace") as log:
            while duration_s is None or time.monotonic() - started < duration_s:
                seen_event = follow(log, started, seen_event)
                if time.monotonic() - counts_at >= COUNTS_EVERY_S:
                    counts_shown, counts_at = (
                        show_counts(f"http://127.0.0.1:{health_port}", counts_shown),
                        time.monotonic(),
                    )
                for name, child in children.items():
                    if child.poll() is not None:
                        print(f"demo: the {name} exited ({child.returncode}); see its log in {var}")
                        return 1
                if not seen_event and time.monotonic() > warn_at:
                    print(f"demo: no event yet after {warn_at - started:.0f} s; see {var / 'bridge.log'}")
                    warn_at += FIRST_EVENT_WITHIN_S
                time.sleep(1)
    except (KeyboardInterrupt, Stop):
        print("\ndemo: stopping")
    finally:
        # The bridge first (it stops its daemon and flushes its outbox), then what it talks to.
        for child in reversed(children.values()):
            stop_process_group(child, timeout_s=10)
        if triton_server is not None:
            triton_server.stop()
        rtsp.stop()
    if "bridge" in children:
        trust_command = [sys.executable, "-m", "genetec_bridge.cli", "trust", "status", "--config", str(site)]
        print("demo: alerts kept for review, per skill (shadow skills raised nothing in Security Center):")
        subprocess.run(trust_command, check=False, env={**os.environ, WEBSDK_PASSWORD_ENV: websdk_password})
    return 0 if seen_event or duration_s is None else 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("demo", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument(
        "--assets",
        type=Path,
        required=True,
        help="shared assets (data/pets09-s2l1/vtest.avi, data/traffic/urban-320x240.avi)",
    )
    parser.add_argument("--var", type=Path, default=REPO_ROOT / "var/demo", help="where logs and config go")
    parser.add_argument(
        "--duration",
        type=float,
        help="stop after this many seconds; exit 1 if no event reached Security Center",
    )
    parser.add_argument(
        "--triton",
        action="store_true",
        help="run inference on a lab Triton server (needs `make triton-venv`) instead of in the daemon",
    )
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, stop)
    return run(args.assets.resolve(), args.var.resolve(), args.duration, args.triton)
