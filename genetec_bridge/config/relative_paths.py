"""Paths written in the config file are relative to the file's directory, not to the working directory,
so that a site directory (config, secret files, CA) can be moved as a whole."""

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from analytics.config.loader import CONFIG_DIR


def from_config_dir(path: Path, info: ValidationInfo) -> Path:
    """`path` anchored at the config file's directory when the model is loaded from a file."""
    config_dir = (info.context or {}).get(CONFIG_DIR)
    return path if path.is_absolute() or config_dir is None else Path(config_dir) / path


def _existing_file(path: Path) -> Path:
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    return path


ConfigPath = Annotated[Path, AfterValidator(from_config_dir)]
ExistingConfigFile = Annotated[ConfigPath, AfterValidator(_existing_file)]
