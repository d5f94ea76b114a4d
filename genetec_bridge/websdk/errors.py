"""Typed failures of the Web SDK. Messages say what to fix and never carry credentials."""


class WebSdkError(Exception):
    """Any failure talking to the Web SDK."""


class WebSdkUnavailable(WebSdkError):
    """The server could not be reached, timed out, answered 5xx, or asked us to wait (408, 429): worth
    retrying later. `retry_after_s` is how long the server asked us to wait (429 `Retry-After`), if it did."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


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


class WebSdkRefused(WebSdkError):
    """Security Center answered and did not carry the request out: sending the same request again will
    get the same answer. Counted as a rejection; the event is parked after a few (delivery/service.py)."""


class WebSdkHttpError(WebSdkRefused):
    """A 4xx outside the Rsp pipeline (400 bad licence item or malformed query, 404 unknown route or base
    URI, 411...), other than 401/403 (`WebSdkAuthError`) and 408/429 (`WebSdkUnavailable`). `excerpt` is
    the start of the body as text, with the client's credentials taken out."""

    def __init__(self, status: int, path: str, hint: str, excerpt: str = "") -> None:
        self.status = status
        self.path = path
        self.excerpt = excerpt
        said = f" (the server said: {excerpt})" if excerpt else ""
        super().__init__(f"Web SDK answered HTTP {status} to {path}: {hint}{said}")


class WebSdkProtocolError(WebSdkError):
    """The answer is not a Web SDK envelope we understand (malformed JSON, XML or stream)."""


class WebSdkFailure(WebSdkRefused):
    """The server answered `Fail` (or another non-Ok status) with an SdkErrorCode."""

    def __init__(self, code: str, message: str, status: str = "Fail") -> None:
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"Web SDK {status} {code}: {message}")
