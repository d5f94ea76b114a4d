"""Where the model and the real footage are: an asset directory the user may point elsewhere.

Large assets never live in the repository. `GENETEC_ANALYTICS_ASSETS` names the asset directory
(default: `../shared` beside the checkout); `GENETEC_ANALYTICS_MODEL` the installed detector model.
"""

import os
from pathlib import Path

from analytics.config.state_paths import default_model_path

REPO_ROOT = Path(__file__).resolve().parent.parent


class MissingAssetError(FileNotFoundError):
    """An asset the command or test needs is not there; the message says where to put it."""


def assets_dir() -> Path:
    return Path(os.environ.get("GENETEC_ANALYTICS_ASSETS", REPO_ROOT.parent / "shared")).resolve()


def asset(relative: str) -> Path:
    """Path of `relative` inside the asset directory, or a MissingAssetError saying what is missing."""
    path = assets_dir() / relative
    if not path.exists():
        raise MissingAssetError(
            f"missing asset {relative!r}: expected at {path}. Point GENETEC_ANALYTICS_ASSETS (make: ASSETS=...) "
            "at a directory holding it (the project's shared assets: models/, data/)."
        )
    return path


def model_path() -> Path:
    """The detector model installed by `make install`, or the asset directory's copy."""
    installed = default_model_path()
    return installed if installed.exists() else asset("models/yolox_nano.onnx")
