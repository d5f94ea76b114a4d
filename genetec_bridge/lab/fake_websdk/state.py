"""What the fake Security Center holds: cameras, alarms, custom event definitions, bookmarks, sessions,
and the record of every request it received (kept in memory, printed, and appended to a JSONL file)."""

import asyncio
import itertools
import json
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from genetec_bridge.websdk.query import canonical_guid

SYSTEM_CONFIGURATION_GUID = "00000000-0000-0000-0000-000000000007"
# Queue message telling a stream to cut the connection (None ends it cleanly).
DROP = "\x00drop"


@dataclass
class Entity:
    guid: str
    name: str
    entity_type: str
    logical_id: int | None = None
    description: str = ""
    is_online: bool = True
    running_state: str = "Running"

    def properties(self) -> dict[str, Any]:
        return {
            "Guid": self.guid,
            "Name": self.name,
            "EntityType": self.entity_type,
            "LogicalId": self.logical_id,
            "Description": self.description,
            "IsOnline": self.is_online,
            "RunningState": self.running_state,
        }


@dataclass
class AlarmInstance:
    instance_id: int
    alarm: str
    source: str | None
    triggered_at: str
    state: str = "Active"
    acknowledged_at: str | None = None
    # AcknowledgeAlarm's third argument: `Ack` (Security Desk's Default acknowledgement) or `Nack`
    # (Alternate). Sent as `AckType` and the operator as `AckBy`: the real key names are assumed.
    ack_type: str | None = None
    acknowledged_by: str | None = None

    def row(self) -> dict[str, Any]:
        return {
            "InstanceId": self.instance_id,
            "Alarm": self.alarm,
            "SourceGuid": self.source,
            "State": self.state,
            "TriggerTime": self.triggered_at,
            "AckTime": self.acknowledged_at,
            "AckType": self.ack_type,
            "AckBy": self.acknowledged_by,
        }


@dataclass
class Session:
    """One user;application pair, as on the real server: subscriptions live here, not on a stream."""

    subscriptions: set[tuple[str, str]] = field(default_factory=set)
    alarm_monitoring: bool = False
    streams: dict[str, "asyncio.Queue[str | None]"] = field(default_factory=dict)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FakeState:
    def __init__(
        self,
        entities: list[Entity],
        custom_events: dict[int, dict[str, Any]],
        record_path: Path | None,
        out: TextIO = sys.stdout,
    ) -> None:
        self.entities = {entity.guid: entity for entity in entities}
        self.custom_events = custom_events
        self.alarm_instances: dict[int, AlarmInstance] = {}
        self.bookmarks: list[dict[str, str]] = []
        self.sessions: dict[str, Session] = {}
        self._record_path = record_path
        self._out = out
        self.received: list[dict[str, Any]] = self._load_record()
        self._instance_ids = itertools.count(1 + max((i for i in self._recorded_instances()), default=0))

    @classmethod
    def from_file(cls, path: Path, record_path: Path | None = None) -> "FakeState":
        """Seed from a JSON file: {"cameras": [{guid, name, logical_id?}], "alarms": [...], "custom_events": [{id, name}]}."""
        data = json.loads(path.read_text(encoding="utf-8"))
        entities = [
            Entity(
                canonical_guid(item["guid"]),
                item["name"],
                entity_type,
                item.get("logical_id"),
                item.get("description", ""),
            )
            for key, entity_type in (("cameras", "Camera"), ("alarms", "Alarm"))
            for item in data.get(key, [])
        ]
        custom_events = {
            int(item["id"]): {
                "Id": int(item["id"]),
                "Name": item["name"],
                "SourceEntityType": item.get("entity_type", "Camera"),
            }
            for item in data.get("custom_events", [])
        }
        return cls(entities, custom_events, record_path)

    # -- entities ---------------------------------------------------------------------------------

    def find(self, reference: str) -> Entity | None:
        """An entity by GUID (dashed, undashed, braced) or `LogicalId(Type,N)`."""
        text = reference.strip()
        if text.lower().startswith("logicalid("):
            kind, _, number = text[text.index("(") + 1 : -1].partition(",")
            return next(
                (
                    e
                    for e in self.entities.values()
                    if e.entity_type.lower() == kind.strip().lower() and str(e.logical_id) == number.strip()
                ),
                None,
            )
        try:
            return self.entities.get(canonical_guid(text))
        except ValueError:
            return None

    def of_type(self, entity_type: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.entity_type.lower() == entity_type.lower()]

    def next_instance_id(self) -> int:
        return next(self._instance_ids)

    # -- record -----------------------------------------------------------------------------------

    def record(self, entry: dict[str, Any], line: str) -> None:
        entry = {"seq": len(self.received) + 1, "received_at": now_iso(), **entry}
        self.received.append(entry)
        if self._record_path is not None:
            # Appended and flushed per request so the record survives a kill or restart of the fake.
            with self._record_path.open("a", encoding="utf-8") as record_file:
                record_file.write(json.dumps(entry) + "\n")
        print(line, file=self._out, flush=True)

    def _load_record(self) -> list[dict[str, Any]]:
        if self._record_path is None or not self._record_path.exists():
            return []
        lines = self._record_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def _recorded_instances(self) -> list[int]:
        return [entry["instance_id"] for entry in self.received if isinstance(entry.get("instance_id"), int)]

    # -- event stream -----------------------------------------------------------------------------

    def session(self, key: str) -> Session:
        return self.sessions.setdefault(key, Session())

    def open_stream(self, key: str) -> tuple[str, asyncio.Queue[str | None]]:
        connection_id = str(uuid.uuid4())
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.session(key).streams[connection_id] = queue
        return connection_id, queue

    def close_stream(self, connection_id: str) -> bool:
        for session in self.sessions.values():
            queue = session.streams.pop(connection_id, None)
            if queue is not None:
                queue.put_nowait(None)
                return True
        return False

    def drop_session(self, key: str) -> None:
        """What a dropped connection or an expired session does: streams end, subscriptions are gone."""
        session = self.sessions.pop(key, None)
        if session is not None:
            for queue in session.streams.values():
                queue.put_nowait(DROP)

    def drop_all_sessions(self) -> None:
        for key in list(self.sessions):
            self.drop_session(key)

    def publish(self, event_type: str, source: str | None, fields: dict[str, Any]) -> None:
        """Send an event to the streams of every session subscribed to it (by GUID or entity type)."""
        result = {"EventType": event_type, "Timestamp": now_iso(), "SourceGuid": source, **fields}
        entity = self.entities.get(source) if source else None
        sources = {source, entity.entity_type if entity else None} - {None}
        for session in self.sessions.values():
            if any(t == event_type and s in sources for s, t in session.subscriptions):
                self._send(session, result)

    def publish_alarm(self, key: str, instance: AlarmInstance) -> None:
        """Alarm-monitoring notifications, sent only to sessions that turned monitoring on."""
        for session in self.sessions.values():
            if session.alarm_monitoring:
                self._send(session, {key: instance.row()})

    @staticmethod
    def _send(session: Session, result: dict[str, Any]) -> None:
        message = json.dumps({"Rsp": {"Status": "Ok", "Result": result}})
        for queue in session.streams.values():
            queue.put_nowait(message)
