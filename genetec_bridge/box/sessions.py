"""Browser sessions (in memory: a restart of the bridge logs everyone out).

A session is found by its token (the cookie, never shown); integrators see and end sessions by a
separate public handle (`Session.handle`). Ending a user's sessions (account removed, role changed,
password reset) takes effect at the next request: the middleware finds no session and sends the
browser to the login page.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from genetec_bridge.box.accounts import Role


@dataclass
class Session:
    user: str
    role: Role
    address: str
    last_seen: float
    opened_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    handle: str = field(default_factory=lambda: secrets.token_urlsafe(9))


class SessionStore:
    def __init__(self, idle_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._idle_s = idle_s
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def open(self, user: str, role: Role, address: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(user, role, address, self._clock())
        self._sessions[token] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        """The live session of `token`, its idle time restarted; None when unknown or expired."""
        if not token:
            return None
        session = self._sessions.get(token)
        now = self._clock()
        if session is None or now - session.last_seen > self._idle_s:
            self._sessions.pop(token, None)
            return None
        session.last_seen = now
        return session

    def live(self) -> list[Session]:
        """Every live session, oldest first (expired ones are forgotten here)."""
        now = self._clock()
        for token in [t for t, s in self._sessions.items() if now - s.last_seen > self._idle_s]:
            del self._sessions[token]
        return sorted(self._sessions.values(), key=lambda s: s.opened_at)

    def idle_s(self, session: Session) -> float:
        return self._clock() - session.last_seen

    def end(self, handle: str) -> Session | None:
        """Ends the session whose public handle is `handle`; returns it, or None when there is none."""
        token = next((t for t, s in self._sessions.items() if s.handle == handle), None)
        return self._sessions.pop(token) if token else None

    def end_user(self, user: str, keep: str | None = None) -> int:
        """Ends every session of `user` but the one of token `keep`; returns how many ended."""
        ended = [t for t, s in self._sessions.items() if s.user == user and t != keep]
        for token in ended:
            del self._sessions[token]
        return len(ended)

    def close(self, token: str | None) -> None:
        if token:
            self._sessions.pop(token, None)
