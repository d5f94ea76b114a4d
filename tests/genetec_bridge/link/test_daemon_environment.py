"""The managed daemon starts with a minimal environment: never the bridge's passwords."""

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from analytics.config.camera import AnalyticsSite, CameraConfig
from analytics.link.link_messages import FrameResult
from genetec_bridge.link.daemon_client import DaemonClient
from genetec_bridge.link.supervisor import DaemonLaunch, DaemonSupervisor, daemon_environment

SECRET = "Zq7-recognisable-p4ss"


@dataclass(frozen=True)
class EnvironmentDump(DaemonLaunch):
    """A 'daemon' that writes the environment it was given to a file and exits."""

    dump: Path = Path()

    def command(self) -> list[str]:
        script = f"import json, os; open({str(self.dump)!r}, 'w').write(json.dumps(dict(os.environ)))"
        return [sys.executable, "-c", script]


async def test_the_daemon_process_gets_no_password_from_the_bridge_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GENETEC_PASSWORD", SECRET)
    monkeypatch.setenv("RTSP_PASSWORD", SECRET)
    monkeypatch.setenv("GENETEC_ANALYTICS_STATE_DIR", str(tmp_path / "state"))

    async def ignore(_result: FrameResult) -> None:
        return None

    client = DaemonClient(
        AnalyticsSite(cameras=[CameraConfig(id="00000001-0000-babe-0000-00408ca1eb95")]), ignore
    )
    dump = tmp_path / "environment.json"
    launch = EnvironmentDump(socket_path=tmp_path / "run" / "daemon.sock", start_timeout_s=5, dump=dump)
    supervisor = DaemonSupervisor(client, launch)
    supervising = asyncio.create_task(supervisor.run())
    try:
        for _ in range(200):
            if supervisor.restarts:  # the child wrote its environment and exited
                break
            await asyncio.sleep(0.05)
    finally:
        supervising.cancel()
        await asyncio.gather(supervising, return_exceptions=True)

    environment = json.loads(dump.read_text())
    assert SECRET not in json.dumps(environment)
    assert "GENETEC_PASSWORD" not in environment and "RTSP_PASSWORD" not in environment
    assert environment["PATH"] and environment["GENETEC_ANALYTICS_STATE_DIR"] == str(tmp_path / "state")


def test_only_the_listed_variables_pass() -> None:
    given = {"PATH": "/usr/bin", "LANG": "C.UTF-8", "GENETEC_PASSWORD": SECRET, "AWS_SECRET_ACCESS_KEY": "x"}
    assert daemon_environment(given) == {"PATH": "/usr/bin", "LANG": "C.UTF-8"}
