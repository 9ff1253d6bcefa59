"""A loopback file host that misbehaves on request, for the download-bound tests.

It is a raw asyncio server on 127.0.0.1 rather than an ASGI app under uvicorn because uvicorn's
HTTP layer refuses to send a body longer than its ``Content-Length``, and frames a body without
a length as chunked: the replies here need lengths that lie and bodies that end only when the
connection closes. Each file is registered with its true size and a script of replies, taken in
order by successive requests for that file (the last one repeats). The byte at position ``p`` of
every file is ``p % 251`` (:func:`pattern`), so any range received can be checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["HONEST", "BadFileHost", "Reply", "Served", "pattern"]

_PERIOD = 251
_PIECE = 64 * 1024
_BLOCK = bytes(range(_PERIOD)) * (_PIECE // _PERIOD + 2)
SAFETY_CAP = 512 * 1024 * 1024
"""An "endless" body stops here, so a test that fails to stop reading cannot run forever."""


def pattern(start: int, length: int) -> bytes:
    """The bytes ``start .. start + length`` of every file on this host."""
    out = bytearray()
    while length > 0:
        n = min(length, _PIECE)
        first = (start % _PERIOD)
        out += _BLOCK[first:first + n]
        start += n
        length -= n
    return bytes(out)


@dataclass(frozen=True)
class Reply:
    """How one request is answered.

    The honest body is the requested range of the file (all of it without ``Range``).
    ``extra`` bytes more are sent after it (``None``: without end; negative: fewer).
    ``framing``: ``length`` (a ``Content-Length`` of ``declared``, by default what is sent),
    ``close`` (no length: the body ends when the connection closes) or ``chunked``.
    ``total`` is the file size claimed in ``Content-Range`` (default: the true size).
    ``cut`` stops the body after that many bytes: the connection then closes, or with
    ``stall`` stays open and silent until the client gives up. ``ranges=False`` ignores
    ``Range`` (a 200 with the whole file). ``piece`` bytes are written at a time, ``pace``
    seconds apart (a slow host that never stops moving).
    """

    extra: int | None = 0
    framing: Literal["length", "close", "chunked"] = "length"
    declared: int | None = None
    total: int | None = None
    cut: int | None = None
    stall: bool = False
    ranges: bool = True
    etag: str = '"v1"'
    piece: int = _PIECE
    pace: float = 0.0


HONEST = Reply()


@dataclass
class Served:
    """One request the host answered: what was asked and how many body bytes it sent."""

    name: str
    range: str | None
    if_range: str | None
    status: int = 0
    sent: int = 0


@dataclass
class _File:
    size: int
    replies: tuple[Reply, ...]
    taken: int = 0


@dataclass
class BadFileHost:
    """Serves registered files (by last path segment) with scripted replies; 404 otherwise."""

    files: dict[str, _File] = field(default_factory=dict)
    log: list[Served] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    origin: str = ""

    def add(self, name: str, size: int, *replies: Reply) -> None:
        """Serve ``name`` (a file name) of ``size`` bytes with ``replies`` (default: honest)."""
        self.files[name] = _File(size, replies or (HONEST,))

    def served(self, name: str) -> list[Served]:
        """The requests for ``name`` so far."""
        return [s for s in self.log if s.name == name]

    async def start(self) -> None:
        """Listen on a free loopback port (sets :attr:`origin`)."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Stop listening and drop every connection."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._answer(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        lines = head.split("\r\n")
        target = lines[0].split(" ")[1]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        file_name = urllib.parse.unquote(target.partition("?")[0].rpartition("/")[2])
        record = Served(file_name, headers.get("range"), headers.get("if-range"))
        self.log.append(record)
        known = self.files.get(file_name)
        if known is None:
            record.status = 404
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        reply = known.replies[min(known.taken, len(known.replies) - 1)]
        known.taken += 1
        size = known.size
        start, end, status = 0, size - 1, 200
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", headers.get("range", ""))
        if_range = headers.get("if-range")
        if wanted and reply.ranges and (if_range is None or if_range == reply.etag):
            start = int(wanted.group(1))
            end = min(int(wanted.group(2)), size - 1) if wanted.group(2) else size - 1
            status = 206
        honest = max(0, end - start + 1)
        body = None if reply.extra is None else max(0, honest + reply.extra)
        if reply.cut is not None:
            body = reply.cut if body is None else min(body, reply.cut)
        out = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Partial Content'}",
               f"ETag: {reply.etag}", "Accept-Ranges: bytes", "Connection: close"]
        if status == 206:
            out.append(f"Content-Range: bytes {start}-{end}/{reply.total or size}")
        if reply.framing == "length":
            declared = reply.declared
            if declared is None:
                declared = honest + reply.extra if reply.extra is not None else None
            assert declared is not None, "an endless body with a length needs `declared`"
            out.append(f"Content-Length: {max(0, declared)}")
        elif reply.framing == "chunked":
            out.append("Transfer-Encoding: chunked")
        record.status = status
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        position = start
        while (body is None or record.sent < body) and record.sent < SAFETY_CAP:
            n = reply.piece if body is None else min(reply.piece, body - record.sent)
            data = pattern(position, n)
            if reply.framing == "chunked":
                data = f"{n:x}\r\n".encode() + data + b"\r\n"
            writer.write(data)
            record.sent += n  # counted once handed to the socket, even if the client hangs up
            position += n
            await writer.drain()
            if reply.pace:
                await asyncio.sleep(reply.pace)
        if reply.stall:
            await reader.read()  # silent until the client gives up and closes
        elif reply.framing == "chunked" and reply.cut is None:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
