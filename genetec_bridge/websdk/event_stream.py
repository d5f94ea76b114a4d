"""The `GET events` stream: an incremental parser and a reader that reconnects and re-subscribes.

Wire format (Genetec's WebSDKStudio parser): a `ConnectionId:<guid>` line, then parts, each a
`--GENETECBOUNDARY` line, a `Content-type: <mime>` line and a body; `text/plain` bodies are `KeepAlive`,
`text/json` bodies are one-line Rsp envelopes. Chunk boundaries fall anywhere, even inside a line.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from genetec_bridge.backoff import Backoff
from genetec_bridge.websdk.client import WebSdkClient
from genetec_bridge.websdk.envelope import envelope_result
from genetec_bridge.websdk.errors import WebSdkAuthError, WebSdkError, WebSdkProtocolError

log = logging.getLogger(__name__)

BOUNDARY = "--GENETECBOUNDARY"
ALARM_KEYS = ("AlarmTriggered", "AlarmAcknowledge")
MAX_LINE_BYTES = 1 << 20


@dataclass(frozen=True)
class ConnectionOpened:
    connection_id: str


@dataclass(frozen=True)
class KeepAlive:
    pass


@dataclass(frozen=True)
class StreamEvent:
    """One event; alarm notifications (`Result.AlarmTriggered`...) are unwrapped, their key as type."""

    event_type: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def source_guid(self) -> str | None:
        value = self.data.get("SourceGuid")
        return str(value) if value is not None else None

    @property
    def is_alarm_acknowledgement(self) -> bool:
        return self.event_type in ("AlarmAcknowledge", "AlarmAcknowledged")


StreamItem = ConnectionOpened | KeepAlive | StreamEvent


class StreamParser:
    """Feed raw bytes, get the complete items they finish. Malformed input raises WebSdkProtocolError."""

    def __init__(self) -> None:
        self._buffer = b""
        self._state = "between"  # between | headers | body | skip
        self._mime = ""

    def feed(self, data: bytes) -> list[StreamItem]:
        self._buffer += data
        items: list[StreamItem] = []
        while (end := self._buffer.find(b"\n")) >= 0:
            raw, self._buffer = self._buffer[:end], self._buffer[end + 1 :]
            item = self._line(_decode(raw.rstrip(b"\r")))
            if item is not None:
                items.append(item)
        if len(self._buffer) > MAX_LINE_BYTES:
            raise WebSdkProtocolError("event stream line longer than 1 MiB")
        return items

    def _line(self, line: str) -> StreamItem | None:
        stripped = line.strip()
        if stripped == BOUNDARY:
            self._state = "headers"
            return None
        if not stripped:
            return None
        if self._state == "headers":
            name, _, value = stripped.partition(":")
            if name.strip().lower() != "content-type":
                raise WebSdkProtocolError(f"event stream part without Content-type: {stripped[:80]!r}")
            self._mime = value.strip().lower()
            self._state = "body" if self._mime in ("text/plain", "text/json") else "skip"
            return None
        if self._state == "body":
            self._state = "between"
            return KeepAlive() if self._mime == "text/plain" else _event(stripped)
        if self._state == "skip":
            return None
        if stripped.startswith("ConnectionId:"):
            return ConnectionOpened(stripped.partition(":")[2].strip())
        if stripped == "KeepAlive":
            return KeepAlive()
        raise WebSdkProtocolError(f"unexpected event stream line: {stripped[:80]!r}")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WebSdkProtocolError("event stream is not UTF-8") from None


def _event(line: str) -> StreamEvent:
    try:
        document = json.loads(line)
    except (ValueError, RecursionError):
        raise WebSdkProtocolError(f"event stream part is not JSON: {line[:80]!r}") from None
    result = envelope_result(document)
    if not isinstance(result, dict):
        raise WebSdkProtocolError("event stream part has no Result object")
    for key in ALARM_KEYS:
        if isinstance(result.get(key), dict):
            return StreamEvent(key, result[key])
    event_type = result.get("EventType")
    if not isinstance(event_type, str):
        raise WebSdkProtocolError("event stream part has no EventType")
    return StreamEvent(event_type, result)


class EventStream:
    """Events forever: opens `GET events`, subscribes once the ConnectionId arrives, and after any drop
    or silence reconnects with back-off and subscribes again (subscriptions die with the session)."""

    def __init__(
        self,
        client: WebSdkClient,
        subscriptions: Sequence[tuple[str, str]],
        *,
        alarm_monitoring: bool = False,
        silence_timeout_s: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._subscriptions = list(subscriptions)
        self._alarm_monitoring = alarm_monitoring
        self._silence_timeout_s = silence_timeout_s
        self._sleep = sleep
        self._backoff = Backoff(initial_s=1.0, max_s=30.0)
        self.connection_id: str | None = None
        self.connections = 0
        self.last_error: str | None = None

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        while True:
            try:
                async for event in self._one_connection():
                    yield event
                self.last_error = "event stream closed by the server"
            except WebSdkError as error:
                self.last_error = str(error)
                if isinstance(error, WebSdkAuthError):
                    # A person must fix credentials: wait the longest delay instead of hammering.
                    self._backoff.failures = 64
            self.connection_id = None
            delay = self._backoff.next_delay()
            log.warning("event stream lost (%s); reconnecting in %.1f s", self.last_error, delay)
            await self._sleep(delay)

    async def _one_connection(self) -> AsyncIterator[StreamEvent]:
        parser = StreamParser()
        async with self._client.open_event_stream(self._silence_timeout_s) as chunks:
            async for chunk in chunks:
                for item in parser.feed(chunk):
                    if isinstance(item, ConnectionOpened):
                        await self._on_open(item.connection_id)
                    elif isinstance(item, StreamEvent):
                        yield item

    async def _on_open(self, connection_id: str) -> None:
        self.connection_id = connection_id
        self.connections += 1
        if self._subscriptions:
            await self._client.subscribe(self._subscriptions)
        if self._alarm_monitoring:
            await self._client.set_alarm_monitoring(True)
        self._backoff.reset()
        self.last_error = None
