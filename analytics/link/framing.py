"""JSON lines over a stream socket: one message per line, parsed into the link's typed models."""

import asyncio
from typing import TypeVar

from pydantic import BaseModel, TypeAdapter

T = TypeVar("T")

# A configuration with many cameras and zones fits easily; anything larger is a broken peer.
MAX_LINE_BYTES = 16 * 1024 * 1024


class LinkClosed(ConnectionError):
    """The peer closed the socket (or it broke) while a message was awaited."""


def encode(message: BaseModel) -> bytes:
    return message.model_dump_json(by_alias=True, exclude_none=True).encode() + b"\n"


async def read_message(reader: asyncio.StreamReader, adapter: TypeAdapter[T]) -> T:
    """The next message; LinkClosed at end of stream. A malformed line raises pydantic's ValidationError."""
    try:
        line = await reader.readline()
    except (ConnectionError, asyncio.LimitOverrunError, ValueError) as error:
        raise LinkClosed(str(error)) from error
    if not line.endswith(b"\n"):
        raise LinkClosed("peer closed the link")
    return adapter.validate_json(line)


async def open_link(path: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_unix_connection(path, limit=MAX_LINE_BYTES)
