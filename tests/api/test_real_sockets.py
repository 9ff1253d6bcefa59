"""The client over real loopback sockets: deadlines against a slow-drip server, refused
connections, and resets / truncated bodies from the emulator served by uvicorn."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest

from co_tui.api import ApiConnectionError, ApiTimeoutError, CodeOceanClient, Timeouts
from co_tui.api.models import DataAssetParams, DataAssetSearchParams


@pytest.fixture
async def drip_server() -> AsyncIterator[str]:
    """Answers every request with headers, then one body byte every 100 ms (a slowloris reply)."""
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(600):  # bounded: at most 60 s
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.1)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for task in tasks:
        task.cancel()
    server.close()
    await server.wait_closed()


async def test_deadline_beats_a_slow_drip(drip_server: str) -> None:
    # Each byte arrives well within the read timeout, so only the total deadline can end this.
    client = CodeOceanClient(drip_server, "cop_x", timeouts=Timeouts(read=2.0, deadline=1.0))
    started = time.monotonic()
    try:
        with pytest.raises(ApiTimeoutError):
            await client.data_assets.get_data_asset("a")
    finally:
        await client.aclose()
    assert time.monotonic() - started < 2.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_refused_connections(sleeps: list[float]) -> None:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    client = CodeOceanClient(f"http://127.0.0.1:{_free_port()}", "cop_x", sleep=record)
    try:
        with pytest.raises(ApiConnectionError) as read_error:
            await client.data_assets.search_data_assets(DataAssetSearchParams())
        assert not read_error.value.outcome_unknown and len(sleeps) == 3
        sleeps.clear()
        # Nothing reached a server, so even a create may be re-sent: still only 4 tries in all.
        with pytest.raises(ApiConnectionError) as write_error:
            await client.data_assets.create_data_asset(DataAssetParams(name="n", tags=[], mount="m"))
        assert not write_error.value.outcome_unknown and len(sleeps) == 3
    finally:
        await client.aclose()


@pytest.fixture(scope="module")
def served():  # type: ignore[no-untyped-def]
    from co_tui.emulator import EmulatorConfig, serve_in_thread

    with serve_in_thread(EmulatorConfig(seed="demo"), host="127.0.0.1") as handle:
        yield handle


@pytest.mark.parametrize("kind", ["reset", "truncate", "503"])
async def test_reads_survive_socket_faults(served, kind: str, sleeps: list[float]) -> None:  # type: ignore[no-untyped-def]
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    served.emulator.faults.inject(kind, times=2, method="POST", path_contains="/data_assets/search")
    client = CodeOceanClient(served.domain, served.emulator.main_token, sleep=record)
    try:
        page = await client.data_assets.search_data_assets(DataAssetSearchParams(limit=3))
    finally:
        await client.aclose()
    assert len(page.results) == 3 and len(sleeps) == 2


async def test_download_over_sockets_matches_a_range_read(served) -> None:  # type: ignore[no-untyped-def]
    client = CodeOceanClient(served.domain, served.emulator.main_token)
    try:
        page = await client.data_assets.search_data_assets(DataAssetSearchParams(origin="internal", type="dataset", limit=100))
        for asset in page.results:
            items = [i for i in (await client.data_assets.list_data_asset_files(asset.id)).items if not i.is_folder and i.size]
            if items:
                break
        item = max(items, key=lambda i: i.size or 0)
        urls = await client.data_assets.get_data_asset_file_urls(asset.id, item.path)
        assert urls.download_url.startswith(served.files_origin)
        async with client.files.open_stream(urls.download_url) as stream:
            body = b"".join([chunk async for chunk in stream.aiter_raw()])
        head = await client.files.read_range(urls.download_url, 0, 4096)
    finally:
        await client.aclose()
    assert len(body) == item.size and body[:4096] == head.data
