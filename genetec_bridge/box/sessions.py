"""Browser sessions (in memory: a restart of the bridge logs everyone out) and login throttling."""

import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from genetec_bridge.box.accounts import Role


@dataclass
class Session:
    user: str
    role: Role
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    last_seen: float = field(default_factory=time.monotonic)


class SessionStore:
    def __init__(self, idle_s: float) -> None:
        self._idle_s = idle_s
        self._sessions: dict[str, Session] = {}

    def open(self, user: str, role: Role) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(user, role)
        self._sessions[token] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        """The live session of `token`, its idle time restarted; None when unknown or expired."""
        if not token:
            return None
        session = self._sessions.get(token)
        now = time.monotonic()
        if session is None or now - session.last_seen > self._idle_s:
            self._sessions.pop(token, None)
            return None
        session.last_seen = now
        return session

    def close(self, token: str | None) -> None:
        if token:
            self._sessions.pop(token, None)


class LoginThrottle:
    """At most `attempts` failures per (account, address) within `lockout_s`; then refused until they age."""

    def __init__(self, attempts: int, lockout_s: float) -> None:
        self._attempts = attempts
        self._lockout_s = lockout_s
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def retry_after(self, user: str, address: str) -> float:
        """Seconds before another attempt is allowed; 0 when allowed now."""
        failures = self._failures[(user, address)]
        now = time.monotonic()
        while failures and now - failures[0] > self._lockout_s:
            failures.popleft()
        if len(failures) < self._attempts:
            return 0.0
        return self._lockout_s - (now - failures[0])

    def failed(self, user: str, address: str) -> None:
        self._failures[(user, address)].append(time.monotonic())

    def succeeded(self, user: str, address: str) -> None:
        self._failures.pop((user, address), None)
