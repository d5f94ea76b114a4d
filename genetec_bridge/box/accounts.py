"""Local accounts of the box: argon2id password hashes and one role each, in a JSON file (0600).

There is no default account and no default password: the first one is created from the command line
(`genetec-bridge box add-user`). Verifying an unknown name costs as much as a known one, so response
times do not tell which names exist.
"""

import json
import os
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_NAME = 64


class Role(StrEnum):
    """What an account may do; each role can do what the roles after it can."""

    INTEGRATOR = "integrator"  # edit, save, roll back and apply the configuration
    REVIEWER = "reviewer"  # review alerts (trust loop pages), read the configuration
    VIEWER = "viewer"  # read only

    def allows(self, needed: "Role") -> bool:
        order = list(Role)
        return order.index(self) <= order.index(needed)


class AccountError(ValueError):
    """An account cannot be created as asked (bad name, weak password, already exists)."""


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
            raise AccountError(f"'{name}' is not a valid account name (letters, digits, - _ .)")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        accounts = self.accounts()
        if name in accounts:
            raise AccountError(f"account '{name}' already exists")
        account = Account(name, role, self._hasher.hash(password))
        accounts[name] = account
        self._write(accounts)
        return account

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

    def _write(self, accounts: dict[str, Account]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        records = [{**asdict(a), "role": a.role.value} for a in accounts.values()]
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(records, out, indent=1)
        os.replace(temporary, self.path)
