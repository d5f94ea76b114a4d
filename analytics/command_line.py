"""Shared shape of both command lines: sub-commands are modules exposing `register(subparsers)`.

`register` adds its parser and sets `handler(args) -> int`, the process exit code.
"""

import argparse
import importlib
from collections.abc import Sequence


def run_commands(prog: str, description: str, modules: Sequence[str], argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in modules:
        importlib.import_module(name).register(subparsers)
    args = parser.parse_args(argv)
    return int(args.handler(args))
