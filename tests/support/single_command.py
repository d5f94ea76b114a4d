"""Run one `genetec-bridge` sub-command through the real argument parsing, without importing the
other command modules: a test of one command does not depend on the state of the others."""

from collections.abc import Sequence

from analytics.cli import run_commands


def run_command(module: str, argv: Sequence[str]) -> int:
    return run_commands("genetec-bridge", "one command under test", (module,), argv)
