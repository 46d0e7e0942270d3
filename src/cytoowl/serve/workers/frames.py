"""The frame format between the server and a query worker, declared once.

A frame is an 8-byte big-endian length, then that many bytes. The server sends one JSON job
a frame; the worker answers a JSON header frame and a body frame (its first frame, once it
has opened the store, is ``{"ready": true, "network": ...}``). Light on purpose (no
asyncio): the worker imports it.
"""

from __future__ import annotations

import struct
from typing import Any, BinaryIO

LENGTH = struct.Struct("!Q")


def pack(data: bytes) -> bytes:
    """``data`` as one frame."""
    return LENGTH.pack(len(data)) + data


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame from a blocking stream (the worker's stdin), or None at end of input."""
    head = stream.read(LENGTH.size)
    if len(head) < LENGTH.size:
        return None
    return stream.read(LENGTH.unpack(head)[0])


def write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(pack(data))


async def receive(reader: Any) -> bytes:
    """One frame from an asyncio stream reader (a worker's stdout, in the server);
    ``asyncio.IncompleteReadError`` when the worker is gone."""
    head = await reader.readexactly(LENGTH.size)
    return await reader.readexactly(LENGTH.unpack(head)[0])
