"""Children of the lab: a free port to give one, and stopping one started in a session of its own
(SIGTERM to its whole group, then SIGKILL)."""

import os
import signal
import socket
import subprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_process_group(process: subprocess.Popen, timeout_s: float = 5.0) -> int:
    """Stop `process` and what it started; returns its exit status (negative: killed by that signal)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGCONT)  # a stopped (paused) group would not act on SIGTERM
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            process.wait()
    return process.returncode
