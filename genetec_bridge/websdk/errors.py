"""Typed failures of the Web SDK. Messages say what to fix and never carry credentials."""


class WebSdkError(Exception):
    """Any failure talking to the Web SDK."""


class WebSdkUnavailable(WebSdkError):
    """The server could not be reached, timed out or answered 5xx: worth retrying later."""


class WebSdkInDoubt(WebSdkUnavailable):
    """The request was sent but no usable answer came back (read timeout, connection cut after sending,
    a 5xx other than 503): Security Center may have carried it out. Re-sending may duplicate it."""


class WebSdkAuthError(WebSdkError):
    """The server refused who we are: retrying quickly will not help, a person must act."""


class WebSdkAuthenticationError(WebSdkAuthError):
    """HTTP 401: the user name or password is wrong (or missing)."""

    def __init__(self) -> None:
        super().__init__(
            "Web SDK refused the credentials (HTTP 401): check the Security Center user name and password"
        )


class WebSdkAuthorizationError(WebSdkAuthError):
    """HTTP 403: authenticated, but the application id, licence or privileges do not allow access."""

    def __init__(self) -> None:
        super().__init__(
            "Web SDK refused access (HTTP 403): check the application id and that its SDK part number is in"
            " the Security Center licence, that the user has the 'Log on using the SDK' privilege,"
            " and the password (some servers answer 403 to a wrong password)"
        )


class WebSdkHttpError(WebSdkError):
    """An HTTP status outside the Rsp pipeline (404 unknown route or base URI, 411, 400...)."""

    def __init__(self, status: int, path: str, hint: str) -> None:
        self.status = status
        self.path = path
        super().__init__(f"Web SDK answered HTTP {status} to {path}: {hint}")


class WebSdkProtocolError(WebSdkError):
    """The answer is not a Web SDK envelope we understand (malformed JSON, XML or stream)."""


class WebSdkFailure(WebSdkError):
    """The server answered `Fail` (or another non-Ok status) with an SdkErrorCode."""

    def __init__(self, code: str, message: str, status: str = "Fail") -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"Web SDK {status} {code}: {message}")
