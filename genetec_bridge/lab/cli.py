"""`genetec-lab`: what stands in for Security Center or measures the product; never on a city server.

The production command line (`genetec-bridge`) imports nothing from here.
"""

import sys
from collections.abc import Sequence

from analytics.cli import run_commands

COMMAND_MODULES: tuple[str, ...] = (
    "genetec_bridge.lab.fake_websdk_command",
    "genetec_bridge.lab.demo",
    "genetec_bridge.lab.bench",
    "genetec_bridge.lab.triton.command",
    "genetec_bridge.lab.soak",
    "genetec_bridge.lab.bridge_scale",
    "genetec_bridge.lab.box_screenshots_command",
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_commands(
        "genetec-lab",
        "Lab: fake Web SDK, Triton server, demo, benchmark, soak and the box's screenshots (tests and demos only).",
        COMMAND_MODULES,
        argv,
    )


if __name__ == "__main__":
    sys.exit(main())
