"""`analytics` command line."""

import sys
from collections.abc import Sequence

from analytics.command_line import run_commands

COMMAND_MODULES: tuple[str, ...] = (
    "analytics.commands.daemon",
    "analytics.commands.check_model",
    "analytics.commands.run",
    "analytics.commands.evaluate",
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_commands("analytics", "Video analytics: detector, tracker and skills.", COMMAND_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
