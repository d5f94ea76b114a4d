"""`genetec-bridge` command line."""

import sys
from collections.abc import Sequence

from analytics.cli import run_commands

COMMAND_MODULES: tuple[str, ...] = (
    "genetec_bridge.commands.check_config",
    "genetec_bridge.commands.schemas",
    "genetec_bridge.commands.deliver",
    "genetec_bridge.commands.run",
    "genetec_bridge.commands.hosts",
    "genetec_bridge.commands.audit",
    "genetec_bridge.commands.purge",
    "genetec_bridge.commands.privacy_docs",
    "genetec_bridge.commands.breach_report",
    "genetec_bridge.commands.end_of_contract",
    "genetec_bridge.commands.counts",
    "genetec_bridge.commands.report",
    "genetec_bridge.commands.trust",
    "genetec_bridge.commands.box",
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_commands("genetec-bridge", "Genetec Security Center bridge.", COMMAND_MODULES, argv)


if __name__ == "__main__":
    sys.exit(main())
