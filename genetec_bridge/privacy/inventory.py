"""What the product held, and where, for a time window: the inventory a breach notification starts from.

Each store says where it is, how many of its records fall in the window, and what kind of data they
are. Files in the state directory that no known store accounts for are listed too, so a store added
later is never silently left out. Video frames are never stored, which the inventory states.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.config.state_paths import state_dir
from genetec_bridge.audit.trail import AuditTrail
from genetec_bridge.config.site import SiteConfig
from genetec_bridge.counting.store import StatisticsStore
from genetec_bridge.delivery.outbox import Outbox
from genetec_bridge.trust.store import existing_trust_store

CATEGORIES = {
    "frames": "video frames: never stored; held in memory a few seconds, privacy masks blanked",
    "outbox": "alert events: kind, zone or line, object class, short-lived track number, time, box; "
    "no image, no identity",
    "counts": "statistics store: anonymous traffic counts per interval, line, class and direction; "
    "seconds each camera was analysed; availability of the bridge, daemon and Security Center link; "
    "alerts raised per camera, skill and hour",
    "trust": "trust store: alerts kept for review with their evidence (boxes and positions of the track,"
    " object class, zone or line, times; no image), the verdict on each (true or false alert, reason,"
    " note) with the reviewer's name (staff personal data), and each skill's mode",
    "audit": "audit entries: staff user names, configuration and account changes, delivered alerts",
    "security_center": "events, alarms and bookmarks delivered to Security Center, kept there under its "
    "own retention",
    "other": "file in the state directory that no known store accounts for",
}


@dataclass(frozen=True)
class Holding:
    store: str
    location: str
    exists: bool
    records_in_window: int
    categories: str
    detail: dict[str, Any] = field(default_factory=dict)


def breach_inventory(site: SiteConfig, start: datetime, end: datetime) -> list[Holding]:
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    holdings = [Holding("frames", "memory only", False, 0, CATEGORIES["frames"])]
    holdings += _outbox(site.delivery.outbox_path, start, end)
    holdings.append(_counts(site, start, end))
    holdings.append(_trust(site, start, end))
    holdings.append(_audit(AuditTrail(site.audit.path), start, end))
    holdings += _other_files(site)
    return holdings


def _outbox(path: Path, start: datetime, end: datetime) -> list[Holding]:
    if not path.exists():
        return [Holding("outbox", str(path), False, 0, CATEGORIES["outbox"])]
    outbox = Outbox(path)
    try:
        held = outbox.held_between(start.timestamp(), end.timestamp())
    finally:
        outbox.close()
    total = sum(sum(states.values()) for states in held.values())
    delivered = sum(states.get("delivered", 0) for states in held.values())
    return [
        Holding("outbox", str(path), True, total, CATEGORIES["outbox"], {"by_camera": held}),
        Holding(
            "security_center",
            "Security Center (custom events, alarms, bookmarks)",
            delivered > 0,
            delivered,
            CATEGORIES["security_center"],
            {"note": "delivered events still in the outbox; older deliveries are no longer counted here"},
        ),
    ]


def _counts(site: SiteConfig, start: datetime, end: datetime) -> Holding:
    path = site.counting.store_path
    if not path.is_file():
        return Holding("counts", str(path), False, 0, CATEGORIES["counts"])
    store = StatisticsStore(path)
    try:
        by_table = store.held(start.timestamp(), end.timestamp())
    finally:
        store.close()
    return Holding(
        "counts", str(path), True, sum(by_table.values()), CATEGORIES["counts"], {"by_table": by_table}
    )


def _trust(site: SiteConfig, start: datetime, end: datetime) -> Holding:
    path = site.trust.store_path
    with existing_trust_store(path) as store:
        if store is None:
            return Holding("trust", str(path), False, 0, CATEGORIES["trust"])
        held = store.held(start.timestamp(), end.timestamp())
    return Holding(
        "trust",
        str(path),
        True,
        held.alerts + held.verdicts,
        CATEGORIES["trust"],
        {"alerts": held.alerts, "verdicts": held.verdicts, "reviewers": held.reviewers},
    )


def _audit(trail: AuditTrail, start: datetime, end: datetime) -> Holding:
    actions: dict[str, int] = {}
    actors: set[str] = set()
    for entry in trail.entries():
        if start <= _utc(entry.at) < end:
            actions[entry.action] = actions.get(entry.action, 0) + 1
            actors.add(entry.actor)
    return Holding(
        "audit",
        str(trail.path),
        trail.path.exists(),
        sum(actions.values()),
        CATEGORIES["audit"],
        {"by_action": actions, "actors": sorted(actors)},
    )


def _other_files(site: SiteConfig) -> list[Holding]:
    root = state_dir()
    if not root.is_dir():
        return []
    known = {site.delivery.outbox_path, site.audit.path, site.counting.store_path, site.trust.store_path}
    known_prefixes = tuple(str(path) for path in known)
    others = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if str(path).startswith(known_prefixes):
            continue  # a store above, or its journal, head or lock
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        others.append(
            Holding(
                "other",
                str(path),
                True,
                0,
                CATEGORIES["other"],
                {"bytes": path.stat().st_size, "modified": modified},
            )
        )
    return others


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def inventory_text(holdings: list[Holding], start: datetime, end: datetime) -> list[str]:
    lines = [f"Data held by the product from {start.isoformat()} to {end.isoformat()} (UTC):"]
    for holding in holdings:
        where = holding.location if holding.exists else f"{holding.location} (absent)"
        lines.append(f"- {holding.store}: {holding.records_in_window} record(s) in the window; {where}")
        lines.append(f"    what: {holding.categories}")
        lines += [
            f"    {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in holding.detail.items()
        ]
    return lines


def inventory_json(holdings: list[Holding], start: datetime, end: datetime) -> str:
    return json.dumps(
        {"from": start.isoformat(), "to": end.isoformat(), "stores": [asdict(h) for h in holdings]},
        indent=2,
        ensure_ascii=False,
    )
