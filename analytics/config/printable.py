"""Names that reach people and other systems (alerts, Security Center entities, logs, CSV files).

A control character in a name (a NUL from a bad copy-paste or a generated file) would cut or garble
a log line, a CSV row or a Security Center entity name far from where it was typed; it is refused
at load, naming the key.
"""

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def _printable(value: str) -> str:
    for character in value:
        if unicodedata.category(character) == "Cc":
            raise ValueError(f"holds a control character (U+{ord(character):04X}); use printable text only")
    return value


PrintableText = Annotated[str, AfterValidator(_printable)]
