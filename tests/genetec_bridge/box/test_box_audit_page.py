"""The box's audit page on a long and a damaged trail: a page at a time, newest first, read off the
event loop, and a torn line shown as a break in the chain instead of an error page."""

import re
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.box.pages.audit import SHOWN
from tests.support.box_site import login, running_box, write_box_site


def _seqs(page: httpx.Response) -> list[int]:
    return [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", page.text)]


async def test_the_audit_page_pages_a_long_trail_and_shows_a_torn_line_as_a_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_box_site(tmp_path)
    trail = AuditTrail(tmp_path / "box/audit.jsonl")
    for n in range(2 * SHOWN + 50):
        trail.append("alice", "config.save", f"camera-{n}")
    with trail.path.open("a", encoding="utf-8") as log:
        log.write('{"seq": 451, "at": "2026-01-0')  # a write a full disk cut short
    readers: list[str] = []
    newest = AuditTrail.newest

    def recorded(self: AuditTrail, count: int, skip: int = 0, keep: Any = None) -> list:
        readers.append(threading.current_thread().name)
        return newest(self, count, skip, keep)

    monkeypatch.setattr(AuditTrail, "newest", recorded)

    async with (
        running_box(path) as (server, _),
        httpx.AsyncClient(base_url=server.url.rstrip("/")) as client,
    ):
        await login(client, "victor")  # its own entry, appended after the torn line was cut
        pages = [await client.get("/audit", params={"page": page}) for page in range(3)]
        wrong = await client.get("/audit", params={"page": "x"})

    assert [page.status_code for page in pages] == [200, 200, 200] and wrong.status_code == 400
    total = 2 * SHOWN + 50 + 2  # the entries, the repair of the torn line, the login
    seqs = [seq for page in pages for seq in _seqs(page)]
    assert seqs == list(range(total, 0, -1))
    older = [f"?page={number + 1}" in page.text for number, page in enumerate(pages)]
    assert older == [True, True, False]
    assert "Chain intact." in pages[0].text
    assert [name.startswith("box") for name in readers] == [True, True, True]  # the box's own pool


async def test_the_audit_page_names_a_bad_line_instead_of_failing(tmp_path: Path) -> None:
    path = write_box_site(tmp_path)
    trail = AuditTrail(tmp_path / "box/audit.jsonl")
    for n in range(3):
        trail.append("alice", "config.save", f"camera-{n}")

    async with (
        running_box(path) as (server, _),
        httpx.AsyncClient(base_url=server.url.rstrip("/")) as client,
    ):
        await login(client, "victor")
        # Torn after the login's entry: the page is read before any write repairs it.
        with trail.path.open("a", encoding="utf-8") as log:
            log.write('{"seq": 5, "at": "2026-01-0')
        page = await client.get("/audit")

    assert page.status_code == 200
    assert "Chain broken" in page.text and "unreadable entry" in page.text
    assert _seqs(page) == [4, 3, 2, 1]
