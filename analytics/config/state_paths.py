"""Where the product keeps its state (outbox, counts, sockets, the installed model): never in the source tree.

Under systemd, `StateDirectory=` and `RuntimeDirectory=` set `$STATE_DIRECTORY` and `$RUNTIME_DIRECTORY`;
elsewhere production falls back to /var/lib/genetec-analytics. A development checkout points
`GENETEC_ANALYTICS_STATE_DIR` at its own var/ (the Makefile and the tests do). The site file can
override every path these defaults give.

The detector model is `GENETEC_ANALYTICS_MODEL` when set, whatever the state directory (a fresh
state directory holds no model), else models/yolox_nano.onnx in the state directory.
"""

import os
from pathlib import Path

STATE_DIR_ENV = "GENETEC_ANALYTICS_STATE_DIR"
MODEL_ENV = "GENETEC_ANALYTICS_MODEL"
PRODUCTION_STATE_DIR = Path("/var/lib/genetec-analytics")


def _first_directory(*variables: str) -> Path | None:
    for name in variables:
        # systemd lists several directories separated by colons when a unit names several.
        value = os.environ.get(name, "").split(":")[0]
        if value:
            return Path(value)
    return None


def state_dir() -> Path:
    return _first_directory(STATE_DIR_ENV, "STATE_DIRECTORY") or PRODUCTION_STATE_DIR


def runtime_dir() -> Path:
    """Where the bridge–daemon socket goes: systemd's runtime directory, else the state directory's run/."""
    return _first_directory("RUNTIME_DIRECTORY") or state_dir() / "run"


def default_model_path() -> Path:
    return Path(os.environ.get(MODEL_ENV) or state_dir() / "models/yolox_nano.onnx")


def default_model_source() -> str:
    """Where `default_model_path` was taken from, for a message saying where the model was looked for."""
    if os.environ.get(MODEL_ENV):
        return MODEL_ENV
    return f"the state directory, {MODEL_ENV} being unset"
