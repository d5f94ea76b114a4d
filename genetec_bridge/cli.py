"""`genetec-bridge` command line."""

import sys
from collections.abc import Sequence

from analytics.cli import run_commands

COMMAND_MODULES: tuple[str, ...] = (
    "genetec_bridge.commands.check_config",
    "genetec_bridge.commands.schemas",
    "genetec_bridge.commands.deliver",
    "genetec_bridge.commands.run",
    "genetec_bridge.commands.box",
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_commands("genetec-bridge", "Genetec Security Center bridge.", COMMAND_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
