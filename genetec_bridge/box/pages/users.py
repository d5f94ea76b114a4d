"""Accounts and sessions of the box, managed in the box: integrators list, add and remove accounts,
change a role, reset a password, and list and end sessions (/users); everyone changes their own
password (/account).

Every change goes through `AccountStore` (the one place that hashes with argon2 and writes the file,
0600, atomically), in the box's pool, and is audited there with the actor, the account changed and
what changed, never a password. The store refuses to remove or demote the last integrator. The
sessions of an account removed, given another role or whose password an integrator reset end at
once: the next click of that browser lands on the login page. A person who changes their own
password keeps this session and ends their others. A refused change shows the page again with the
error beside the field it names (422).
"""

from collections.abc import Callable
from typing import Any

from aiohttp import web

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.accounts import MAX_NAME, AccountError, AccountStore, Role
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.i18n import language, translator
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_COOKIE, SESSION_KEY, requires

# What a change did (`?done=` after it), and the notice the page then shows.
DONE = {
    "added": "users.done.added",
    "removed": "users.done.removed",
    "role": "users.done.role",
    "reset": "users.done.reset",
    "ended": "users.done.ended",
}
ROLE_LABELS = {
    Role.INTEGRATOR: "users.role.integrator",
    Role.REVIEWER: "users.role.reviewer",
    Role.VIEWER: "users.role.viewer",
}


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise AccountError("role", "role", roles=", ".join(r.value for r in Role)) from None


async def _form(request: web.Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.post()).items()}


def _target(request: web.Request) -> str:
    return request.match_info["name"][:MAX_NAME]


async def _users_page(request: web.Request, status: int = 200, **values: Any) -> web.Response:
    context = request.app[CONTEXT]
    accounts = await context.work.run(request[SESSION_KEY].user, context.accounts.accounts)
    sessions = context.sessions.live()
    return render(
        request,
        "users.html",
        status=status,
        accounts=sorted(accounts.values(), key=lambda a: a.name.lower()),
        open_sessions={name: sum(s.user == name for s in sessions) for name in accounts},
        sessions=[(s, int(context.sessions.idle_s(s) // 60)) for s in sessions],
        mine=request[SESSION_KEY].handle,
        roles=list(ROLE_LABELS.items()),
        done=DONE.get(request.query.get("done", ""), ""),
        entered=values.pop("entered", {}),
        **_error(request, values.pop("error", None)),
    )


def _error(request: web.Request, error: AccountError | None) -> dict[str, Any]:
    """The refusal (its `key` places it beside its field) and its text in the reader's language."""
    text = translator(language(request))(f"account_error.{error.code}", **error.values) if error else ""
    return {"error": error, "error_text": text}


@requires(Role.INTEGRATOR)
async def users_page(request: web.Request) -> web.Response:
    return await _users_page(request)


async def _changed(
    request: web.Request,
    done: str,
    change: Callable[[AccountStore, AuditTrail, str], None],
    ends_sessions_of: str | None = None,
    **entered: str,
) -> web.StreamResponse:
    """`change(accounts, audit, actor)` in the box's pool, then the sessions of `ends_sessions_of` ended
    and back to the list; or the page again with the error beside its field, nothing changed."""
    context = request.app[CONTEXT]
    actor = request[SESSION_KEY].user
    try:
        await context.work.run(actor, change, context.accounts, context.audit, actor)
    except AccountError as error:
        return await _users_page(request, 422, error=error, entered=entered)
    if ends_sessions_of is not None:
        context.sessions.end_user(ends_sessions_of)
    raise web.HTTPSeeOther(f"/users?done={done}")


@requires(Role.INTEGRATOR)
async def add_account(request: web.Request) -> web.StreamResponse:
    form = await _form(request)
    name, password = form.get("name", "").strip(), form.get("password", "")

    def add(accounts: AccountStore, audit: AuditTrail, actor: str) -> None:
        account = accounts.add(name, _role(form.get("role", "")), password)
        audit.append(actor, "account.create", account.name, {"role": account.role.value})

    return await _changed(request, "added", add, name=name[:MAX_NAME], role=form.get("role", ""))


@requires(Role.INTEGRATOR)
async def remove_account(request: web.Request) -> web.StreamResponse:
    name = _target(request)

    def remove(accounts: AccountStore, audit: AuditTrail, actor: str) -> None:
        removed = accounts.remove(name)
        audit.append(actor, "account.remove", name, {"role": removed.role.value})

    return await _changed(request, "removed", remove, ends_sessions_of=name)


@requires(Role.INTEGRATOR)
async def change_role(request: web.Request) -> web.StreamResponse:
    name = _target(request)
    role_asked = (await _form(request)).get("role", "")

    def change(accounts: AccountStore, audit: AuditTrail, actor: str) -> None:
        role = _role(role_asked)
        before = accounts.set_role(name, role)
        audit.append(actor, "account.role", name, {"from": before.value, "to": role.value})

    # Sessions carry the role they were opened with: the account logs in again under its new one.
    return await _changed(request, "role", change, ends_sessions_of=name)


@requires(Role.INTEGRATOR)
async def reset_password(request: web.Request) -> web.StreamResponse:
    name = _target(request)
    password = (await _form(request)).get("password", "")

    def reset(accounts: AccountStore, audit: AuditTrail, actor: str) -> None:
        accounts.set_password(name, password)
        audit.append(actor, "account.password_reset", name, {})

    # Whoever knew the old password is logged out with it.
    return await _changed(request, "reset", reset, ends_sessions_of=name)


@requires(Role.INTEGRATOR)
async def end_session(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    ended = context.sessions.end(request.match_info["handle"])
    if ended is not None:
        actor = request[SESSION_KEY].user
        details = {"address": ended.address, "opened": ended.opened_at.isoformat(timespec="seconds")}
        await context.work.run(actor, context.audit.append, actor, "account.session_end", ended.user, details)
    raise web.HTTPSeeOther("/users?done=ended")


@requires(Role.VIEWER)
async def account_page(request: web.Request) -> web.Response:
    return render(
        request, "account.html", done=request.query.get("done") == "changed", **_error(request, None)
    )


@requires(Role.VIEWER)
async def change_own_password(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    form = await _form(request)
    name = request[SESSION_KEY].user

    def change(accounts: AccountStore, audit: AuditTrail) -> None:
        if form.get("new", "") != form.get("repeat", ""):
            raise AccountError("repeat", "repeat")
        if accounts.verify(name, form.get("current", "")) is None:
            raise AccountError("current", "current")
        accounts.set_password(name, form.get("new", ""))
        audit.append(name, "account.password_change", name, {})

    try:
        await context.work.run(name, change, context.accounts, context.audit)
    except AccountError as error:
        return render(request, "account.html", status=422, done=False, **_error(request, error))
    context.sessions.end_user(name, keep=request.cookies.get(SESSION_COOKIE))
    raise web.HTTPSeeOther("/account?done=changed")


def register(app: web.Application) -> None:
    app.router.add_get("/users", users_page)
    app.router.add_post("/users", add_account)
    app.router.add_post("/users/{name}/remove", remove_account)
    app.router.add_post("/users/{name}/role", change_role)
    app.router.add_post("/users/{name}/password", reset_password)
    app.router.add_post("/sessions/{handle}/end", end_session)
    app.router.add_get("/account", account_page)
    app.router.add_post("/account/password", change_own_password)
