"""`make screenshots`: a picture of every page of the configuration box, in English and in French.

    genetec-lab box-screenshots [--out fixtures/box-screenshots]

Saves `PAGE-LANG.png` (`editor-fr.png`) for each page at 1366×768 (genetec_bridge.lab.box_screenshots).
"""

import argparse
from pathlib import Path

from analytics.assets import REPO_ROOT


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("box-screenshots", help=__doc__.split("\n\n")[0], description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "fixtures/box-screenshots", help="where the PNGs go"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: every genetec-lab command imports this module to list it, and the box, the
    # browser and the image library would slow them all down.
    from genetec_bridge.lab.box_screenshots import take_screenshots

    take_screenshots(args.out)
    return 0
