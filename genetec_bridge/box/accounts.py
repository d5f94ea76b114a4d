"""Local accounts of the box: argon2id password hashes and one role each, in a JSON file (0600).

There is no default account and no default password: the first one is created from the command line
(`genetec-bridge box add-user`); integrators then manage accounts in the box (pages/users.py). Both
go through this store, the one place that hashes passwords and writes the file: each change is a
read, a check and a rewrite under one lock (the box's threads never interleave two changes), written
to a temporary file (0600), fsynced and renamed over the old one, so a crash leaves the old file or
the new one. The last integrator can be neither removed nor demoted: nobody could manage the box
any more. Verifying an unknown name costs as much as a known one, so response times do not tell
which names exist.
"""

import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_NAME = 64


class Role(StrEnum):
    """What an account may do; each role can do what the roles after it can."""

    INTEGRATOR = "integrator"  # edit, save, roll back and apply the configuration; manage accounts
    REVIEWER = "reviewer"  # review alerts (trust loop pages), read the configuration
    VIEWER = "viewer"  # read only

    def allows(self, needed: "Role") -> bool:
        order = list(Role)
        return order.index(self) <= order.index(needed)


class AccountError(ValueError):
    """An account change refused (bad name, weak password, unknown or existing account, last integrator).

    `key` names the form field at fault; `code` and `values` pick the message of `ACCOUNT_ERRORS`,
    which the box shows in the reader's language (i18n's `account_error.<code>`)."""

    def __init__(self, key: str, code: str, **values: object) -> None:
        super().__init__(f"{key}: {ACCOUNT_ERRORS[code].format(**values)}")
        self.key = key
        self.code = code
        self.values = values


# The English of each refusal (the command line's); the box's French is in i18n.
ACCOUNT_ERRORS = {
    "bad_name": "'{name}' is not a valid account name (letters, digits, - _ .)",
    "exists": "account '{name}' already exists",
    "unknown": "there is no account '{name}'",
    "short_password": "the password needs at least {length} characters",
    "last_integrator": "'{name}' is the last integrator: nobody could manage the box without one",
    "role": "one of {roles} is expected",
    "repeat": "the two new passwords differ",
    "current": "this is not your current password",
}


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    password_hash: str


class AccountStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._hasher = PasswordHasher()
        self._decoy: str | None = None
        self._lock = threading.Lock()

    def accounts(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        records = json.loads(self.path.read_text(encoding="utf-8"))
        return {r["name"]: Account(r["name"], Role(r["role"]), r["password_hash"]) for r in records}

    def add(self, name: str, role: Role, password: str) -> Account:
        if (
            not 0 < len(name) <= MAX_NAME
            or not name.replace("-", "").replace("_", "").replace(".", "").isalnum()
        ):
            raise AccountError(
                "name", f"'{name[:MAX_NAME]}' is not a valid account name (letters, digits, - _ .)"
            )
        account = Account(name, role, self._hashed(password))
        with self._lock:
            accounts = self.accounts()
            if name in accounts:
                raise AccountError("name", "exists", name=name)
            self._write({**accounts, name: account})
        return account

    def remove(self, name: str) -> Account:
        with self._lock:
            accounts = self.accounts()
            removed = self._known(accounts, name)
            del accounts[name]
            self._keeps_an_integrator(accounts, removed)
            self._write(accounts)
        return removed

    def set_role(self, name: str, role: Role) -> Role:
        """Gives `name` the role `role`; returns the role it had."""
        with self._lock:
            accounts = self.accounts()
            before = self._known(accounts, name)
            accounts[name] = replace(before, role=role)
            self._keeps_an_integrator(accounts, before)
            self._write(accounts)
        return before.role

    def set_password(self, name: str, password: str) -> None:
        hashed = self._hashed(password)
        with self._lock:
            accounts = self.accounts()
            accounts[name] = replace(self._known(accounts, name), password_hash=hashed)
            self._write(accounts)

    def verify(self, name: str, password: str) -> Account | None:
        """The account when `password` is its password, else None."""
        account = self.accounts().get(name)
        if account is None and self._decoy is None:
            # Verified against when the name is unknown, so a miss costs one argon2 verification too.
            self._decoy = self._hasher.hash(os.urandom(16).hex())
        try:
            self._hasher.verify(account.password_hash if account else self._decoy, password)  # type: ignore[arg-type]
        except (VerificationError, InvalidHashError):
            return None
        return account

    def _hashed(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError("password", "short_password", length=MIN_PASSWORD_LENGTH)
        return self._hasher.hash(password)

    @staticmethod
    def _known(accounts: dict[str, Account], name: str) -> Account:
        if name not in accounts:
            raise AccountError("name", "unknown", name=name[:MAX_NAME])
        return accounts[name]

    @staticmethod
    def _keeps_an_integrator(accounts: dict[str, Account], before: Account) -> None:
        if before.role is Role.INTEGRATOR and not any(a.role is Role.INTEGRATOR for a in accounts.values()):
            raise AccountError("name", "last_integrator", name=before.name)

    def _write(self, accounts: dict[str, Account]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        records = [{**asdict(a), "role": a.role.value} for a in accounts.values()]
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(records, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
