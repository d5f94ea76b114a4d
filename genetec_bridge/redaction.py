"""Credentials out of anything a human may read: logs, errors, health pages."""

import re

# scheme://user:password@ → scheme://user:***@ ; the user name stays, it helps diagnose access rights.
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*):[^@\s/]*@")


def redact_credentials(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    return _URL_PASSWORD.sub(r"\g<head>:***@", text)
