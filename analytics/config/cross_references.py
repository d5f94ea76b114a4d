"""Errors of model validators that check names across a whole model (a skill's zone, a schedule).

Pydantic places a model validator's error on the model itself (`cameras[0]`); the integrator needs
the key that is wrong (`cameras[0].skills[2].zone`). The error therefore carries, in its context,
each problem's path relative to the model, which the config loader appends to the model's location.
"""

from pydantic_core import PydanticCustomError

CROSS_REFERENCE_ERROR = "cross_reference"

RelativePath = tuple[str | int, ...]


def dotted(path: RelativePath) -> str:
    """`("skills", 2, "zone")` -> `skills[2].zone`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def cross_reference_error(problems: list[tuple[RelativePath, str]]) -> PydanticCustomError:
    """One validation error listing every problem; its message stays readable on its own."""
    summary = "; ".join(f"{dotted(path)}: {message}" for path, message in problems)
    return PydanticCustomError(CROSS_REFERENCE_ERROR, "{summary}", {"summary": summary, "problems": problems})
