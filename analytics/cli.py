"""`analytics` command line, and the shape both command lines share: sub-commands are modules exposing
`register(subparsers)`, which adds its parser and sets `handler(args) -> int`, the process exit code."""

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "analytics.commands.daemon",
    "analytics.commands.check_model",
    "analytics.commands.prepare_model",
    "analytics.commands.run",
    "analytics.commands.evaluate",
    "analytics.commands.signal",
    "analytics.commands.scenarios",
)


def run_commands(prog: str, description: str, modules: Sequence[str], argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in modules:
        importlib.import_module(name).register(subparsers)
    args = parser.parse_args(argv)
    return int(args.handler(args))


def main(argv: Sequence[str] | None = None) -> int:
    return run_commands("analytics", "Video analytics: detector, tracker and skills.", COMMAND_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
