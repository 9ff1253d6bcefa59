"""No import is retried per request.

httpcore asks ``sniffio`` which async library is running each time it creates a lock (several
per request). When sniffio is not installed, each ask is a failed import that walks every
import finder and the file system: measured at 4,325 failed imports and 1.7 s of 9.9 s of CPU
in one 1,000-file download. co-tui depends on sniffio so that the import succeeds once and is
then found in ``sys.modules``. This test counts the finder lookups for sniffio during real
requests over loopback: it fails if the dependency goes away.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import importlib.machinery
import sys
from collections.abc import AsyncIterator, Sequence
from types import ModuleType

import httpx
import pytest


class _CountingFinder(importlib.abc.MetaPathFinder):
    """Counts lookups of one module name and finds nothing itself."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lookups = 0

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == self.name:
            self.lookups += 1
        return None


@pytest.fixture
async def ok_server() -> AsyncIterator[str]:
    """A keep-alive HTTP/1.1 server answering every request with a small JSON body."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.close()
    await server.wait_closed()


async def test_sniffio_is_imported_once_not_per_request(ok_server: str) -> None:
    finder = _CountingFinder("sniffio")
    async with httpx.AsyncClient(base_url=ok_server) as warm:
        await warm.get("/")  # the first import, if any, happens here
    sys.meta_path.insert(0, finder)
    try:
        async with httpx.AsyncClient(base_url=ok_server) as plain:
            for _ in range(20):
                assert (await plain.get("/")).status_code == 200
    finally:
        sys.meta_path.remove(finder)
    assert finder.lookups == 0, f"{finder.lookups} imports of sniffio were attempted"
    assert "sniffio" in sys.modules
