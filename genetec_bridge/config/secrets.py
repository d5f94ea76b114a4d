"""Passwords in the config file: inline, `{ env = "NAME" }` or `{ file = "path" }`, resolved at load.

The resolved value is a pydantic SecretStr: its repr, str and JSON dump are masked, and only
`get_secret_value()` (at the moment of authenticating) reveals it.
"""

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, SecretStr, ValidationInfo

from analytics.config.strict_model import StrictModel
from genetec_bridge.config.relative_paths import from_config_dir

_FORMS = 'a secret is a string, { env = "NAME" } or { file = "path" }'


class SecretFromEnv(StrictModel):
    env: str = Field(min_length=1, description="Name of the environment variable holding the secret.")


class SecretFromFile(StrictModel):
    file: str = Field(
        min_length=1,
        description="File holding the secret (trailing newline ignored), relative to the config file.",
    )


def _resolve(value: Any, info: ValidationInfo) -> Any:
    """The secret's value; the messages name where it was looked for, never what was found."""
    if not isinstance(value, dict):
        return value  # a string inline; SecretStr rejects the rest
    if set(value) == {"env"} and isinstance(value["env"], str):
        resolved = os.environ.get(value["env"])
        if resolved is None:
            raise ValueError(f"environment variable {value['env']} is not set")
        where = f"environment variable {value['env']}"
    elif set(value) == {"file"} and isinstance(value["file"], str):
        path = from_config_dir(Path(value["file"]), info)
        try:
            resolved = path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise ValueError(f"cannot read secret file {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise ValueError(f"secret file {path} is not UTF-8 text") from None
        where = f"secret file {path}"
    else:
        raise ValueError(_FORMS)
    if not resolved:
        raise ValueError(f"{where} is empty")
    return resolved


Secret = Annotated[
    SecretStr,
    BeforeValidator(_resolve, json_schema_input_type=str | SecretFromEnv | SecretFromFile),
]
