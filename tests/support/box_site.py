"""The configuration box of the tests: the lab's (genetec_bridge.lab.box_site: the example site file in
front of a stand-in bridge, on a real local socket) with the tests' accounts, and logging in."""

import re
from pathlib import Path

import httpx

from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.config.site import load_site_config
from genetec_bridge.lab.box_site import (  # noqa: F401 (the tests' box comes from here)
    box_in_background,
    running_box,
    write_example_box_site,
)

PASSWORDS = {
    "ines": "integrator-password-1",
    "ivan": "integrator-password-2",
    "rita": "reviewer-password",
    "victor": "viewer-password-1",
}
ROLES = {"ines": Role.INTEGRATOR, "ivan": Role.INTEGRATOR, "rita": Role.REVIEWER, "victor": Role.VIEWER}


_accounts_text: str | None = None


def _accounts(path: Path) -> None:
    """The test accounts, hashed once per test session (argon2 is slow on purpose) and copied."""
    global _accounts_text
    if _accounts_text is None:
        store = AccountStore(path)
        for name, password in PASSWORDS.items():
            store.add(name, ROLES[name], password)
        _accounts_text = path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_accounts_text)


def write_box_site(directory: Path, box: str = "") -> Path:
    path = write_example_box_site(directory, box)
    _accounts(load_site_config(path).box.accounts_path)
    return path


async def login(client: httpx.AsyncClient, user: str, password: str | None = None) -> httpx.Response:
    """Log in through the form, with its CSRF token."""
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    return await client.post(
        "/login", data={"user": user, "password": password or PASSWORDS[user], "csrf_token": token}
    )


async def session(base: str, user: str) -> tuple[httpx.AsyncClient, str]:
    """A logged-in client and its session's CSRF token (read from a page)."""
    client = httpx.AsyncClient(base_url=base)
    response = await login(client, user)
    assert response.status_code == 303, response.text
    page = await client.get("/cameras")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client, csrf
