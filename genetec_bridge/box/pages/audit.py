"""The audit trail, newest first, a page at a time, with the result of its chain check, readable by
a person: cameras by their names (Security Center's, the site file's beside it) instead of GUIDs,
details as words and lists (nothing shown for an empty value), and filters by kind of entry, camera
and account. The bridge's `alert.delivered` lines (one per event delivered, most of a busy trail) are
shown only when that kind is asked for.

The trail grows all year: a page reads only the end of the log (`AuditTrail.newest`, back as far as
the filter needs to fill a page), and that read and the chain check run in the box's own pool
(box/work.py), never on the event loop that delivers alerts.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from genetec_bridge.audit.trail import AuditEntry, AuditTrail
from genetec_bridge.box.accounts import AccountStore, Role
from genetec_bridge.box.camera_names import CameraName
from genetec_bridge.box.context import CONTEXT
from genetec_bridge.box.rendering import render
from genetec_bridge.box.security import SESSION_KEY, requires

SHOWN = 200
DELIVERED = "alert.delivered"
# The kinds a person filters by: an action, or the actions under a prefix (`skill` is `skill.*`).
KINDS = ("config", "skill", "alert.verdict", DELIVERED, "account", "login", "websdk", "retention", "audit")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    kind: str = ""
    camera: str = ""
    actor: str = ""

    def keeps(self, entry: AuditEntry) -> bool:
        if self.kind:
            if entry.action != self.kind and not entry.action.startswith(self.kind + "."):
                return False
        elif entry.action == DELIVERED:
            return False
        if self.actor and entry.actor != self.actor:
            return False
        return not self.camera or self.camera in entry.subject or self.camera in json.dumps(entry.details)


@dataclass(frozen=True, slots=True)
class AuditLine:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details: list[tuple[str, str]]


def readable_line(entry: AuditEntry, names: Mapping[str, CameraName]) -> AuditLine:
    subject = " / ".join(_named(part, names) for part in entry.subject.split("/"))
    details = [(key, _text(value, names)) for key, value in entry.details.items()]
    return AuditLine(
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        subject,
        [d for d in details if d[1]],
    )


def _named(value: str, names: Mapping[str, CameraName]) -> str:
    return str(names[value]) if value in names else value


def _text(value: Any, names: Mapping[str, CameraName]) -> str:
    """A detail as words: lists joined, tables as `key value` pairs, empty values left out."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        pairs = ((key, _text(inner, names)) for key, inner in value.items())
        return ", ".join(f"{key} {text}" for key, text in pairs if text)
    if isinstance(value, list | tuple):
        return ", ".join(text for text in (_text(item, names) for item in value) if text)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _named(str(value), names)


def _filter(request: web.Request) -> AuditFilter:
    kind = request.query.get("kind", "")
    if kind and kind not in KINDS:
        raise web.HTTPBadRequest(text=f"kind: one of {', '.join(KINDS)} is expected")
    return AuditFilter(kind, request.query.get("camera", ""), request.query.get("actor", "").strip())


@requires(Role.VIEWER)
async def audit_page(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    try:
        page = max(0, int(request.query.get("page", "0")))
    except ValueError:
        raise web.HTTPBadRequest(text="page: a whole number is expected") from None
    chosen = _filter(request)
    entries, problems, accounts = await context.work.run(
        request[SESSION_KEY].user, _read, context.audit, context.accounts, page, chosen
    )
    names = await context.camera_names.names(context.bridge.site)
    query = {"kind": chosen.kind, "camera": chosen.camera, "actor": chosen.actor}
    return render(
        request,
        "audit.html",
        entries=[readable_line(entry, names) for entry in entries],
        problems=problems,
        page=page,
        older=len(entries) == SHOWN,
        chosen=chosen,
        kinds=KINDS,
        cameras=sorted(((guid, str(name)) for guid, name in names.items()), key=lambda c: c[1].lower()),
        accounts=accounts,
        query=urlencode({key: value for key, value in query.items() if value}),
    )


def _read(
    trail: AuditTrail, accounts: AccountStore, page: int, chosen: AuditFilter
) -> tuple[list[AuditEntry], list[str], list[str]]:
    entries = trail.newest(SHOWN, skip=page * SHOWN, keep=chosen.keeps)
    return entries, trail.verify(), sorted(accounts.accounts())


def register(app: web.Application) -> None:
    app.router.add_get("/audit", audit_page)
