"""``client.files.download``: real bytes over loopback sockets (the fast path) and in process
(the httpx path), resume, faults, cancellation, and what goes on the wire; bodies that do not
match the listed size, and previews against endless bodies."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import httpx
import pytest

from co_tui.api import ApiConnectionError, ApiTimeoutError, CodeOceanClient, PermissionDeniedError
from co_tui.api.files import PREVIEW_BYTES, BodySizeError
from co_tui.api.http1 import Want, request_bytes
from co_tui.api.retry import DownloadTimeouts
from co_tui.emulator.content import read_content
from co_tui.transfer.fetch import FdSink
from tests.bad_file_host import BadFileHost, Reply, pattern


@pytest.fixture(scope="module")
def served():  # type: ignore[no-untyped-def]
    from co_tui.emulator import EmulatorConfig, serve_in_thread

    with serve_in_thread(EmulatorConfig(seed="demo"), host="127.0.0.1") as handle:
        yield handle


@pytest.fixture
async def sock_client(served) -> AsyncIterator[CodeOceanClient]:  # type: ignore[no-untyped-def]
    client = CodeOceanClient(served.domain, served.emulator.main_token)
    yield client
    await client.aclose()


def _file(demo_seed, min_size: int, max_size: int):  # type: ignore[no-untyped-def]
    main = demo_seed.users[0].id
    for asset in demo_seed.assets:
        if asset.owner != main or asset.archived or asset.state != "ready":
            continue
        for f in asset.files:
            if min_size <= f.content.size <= max_size:
                return asset, f
    raise AssertionError("no such file in the demo seed")


def _expected(asset, f) -> bytes:  # type: ignore[no-untyped-def]
    return read_content(f.content, 0, f.content.size, salt=f"{asset.id}/{f.path}")


async def test_fast_download_writes_exact_bytes(sock_client, demo_seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asset, f = _file(demo_seed, 3_000_000, 60_000_000)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    seen: list[int] = []
    dest = tmp_path / "out.bin"
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        result = await sock_client.files.download(urls.download_url, FdSink(fd), progress=seen.append)
    finally:
        os.close(fd)
    data = dest.read_bytes()
    assert result.status == 200 and result.offset == 0
    assert result.written == result.total_size == f.content.size == len(data)
    expected = _expected(asset, f)
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert seen == sorted(seen) and seen[-1] == len(data)
    assert result.etag


async def test_resume_and_changed_file(sock_client, demo_seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    expected = _expected(asset, f)
    with open(os.devnull, "wb") as null:
        first = await sock_client.files.download(urls.download_url, null)
    half = f.content.size // 2
    with open(tmp_path / "part", "wb") as out:
        resumed = await sock_client.files.download(
            urls.download_url, out, offset=half, if_range=first.etag
        )
    assert resumed.status == 206 and resumed.offset == half
    assert (tmp_path / "part").read_bytes() == expected[half:]
    with open(tmp_path / "again", "wb") as out:
        restarted = await sock_client.files.download(
            urls.download_url, out, offset=half, if_range='"not-the-etag"'
        )
    assert restarted.status == 200 and restarted.offset == 0
    assert (tmp_path / "again").read_bytes() == expected
    with open(tmp_path / "end", "wb") as out:
        at_end = await sock_client.files.download(urls.download_url, out, offset=f.content.size)
    assert at_end.status == 416 and at_end.written == 0 and at_end.total_size == f.content.size


async def test_truncated_body_is_an_error(sock_client, served, demo_seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    served.emulator.faults.inject("truncate", times=1, method="GET", path_contains=asset.id)
    with open(tmp_path / "cut", "wb") as out, pytest.raises(ApiConnectionError) as info:
        await sock_client.files.download(urls.download_url, out)
    assert "closed after" in info.value.message


async def test_bad_signature_is_permission_denied(sock_client, demo_seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    tampered = urls.download_url.replace("X-Amz-Signature=", "X-Amz-Signature=00")
    with open(tmp_path / "x", "wb") as out, pytest.raises(PermissionDeniedError) as info:
        await sock_client.files.download(tampered, out)
    assert info.value.status == 403
    assert "X-Amz-Signature" not in str(info.value)


async def test_cancel_stops_a_big_download_promptly(sock_client, demo_seed) -> None:  # type: ignore[no-untyped-def]
    asset, f = _file(demo_seed, 2**30, 2**30)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    started = asyncio.Event()
    counts: list[int] = []

    def progress(n: int) -> None:
        counts.append(n)
        if len(counts) == 3:
            loop.call_soon_threadsafe(started.set)

    loop = asyncio.get_running_loop()
    with open(os.devnull, "wb") as sink:
        task = asyncio.create_task(sock_client.files.download(urls.download_url, sink, progress=progress))
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
    assert counts[-1] < 2**30
    after = len(counts)
    await asyncio.sleep(0.2)
    assert len(counts) == after  # the worker thread really stopped


async def test_in_process_download_uses_httpx(client, demo_seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    with open(tmp_path / "x", "wb") as out:
        result = await client.files.download(urls.download_url, out)
    assert result.written == f.content.size
    assert (tmp_path / "x").read_bytes() == _expected(asset, f)


async def test_chunked_responses_fall_back_to_httpx(tmp_path: Path) -> None:
    """A server answering with Transfer-Encoding: chunked (not S3's way) still works."""
    body = b"hello chunked world " * 1000

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        for i in range(0, len(body), 4096):
            piece = body[i:i + 4096]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = CodeOceanClient("http://127.0.0.1:1", "cop_x")
    try:
        with open(tmp_path / "c", "wb") as out:
            result = await client.files.download(f"http://127.0.0.1:{port}/f?X-Amz-Signature=s", out)
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
    assert result.written == len(body) and (tmp_path / "c").read_bytes() == body


def test_request_carries_no_credentials_and_refuses_injection() -> None:
    import urllib.parse

    parts = urllib.parse.urlsplit("https://bucket.s3.example/a%20b/c?X-Amz-Signature=abc")
    raw = request_bytes(parts, Want(10, None, '"etag-1"')).decode()
    assert raw.startswith("GET /a%20b/c?X-Amz-Signature=abc HTTP/1.1\r\nHost: bucket.s3.example\r\n")
    assert "Range: bytes=10-\r\nIf-Range: \"etag-1\"\r\n\r\n" in raw
    assert "authorization" not in raw.lower() and "cookie" not in raw.lower()
    for bad_url, bad_etag in [
        ("https://h/a\r\nAuthorization: x", None),
        ("https://h/a b", None),
        ("https://h/a", '"x"\r\nX-Evil: 1'),
    ]:
        with pytest.raises(ValueError):
            request_bytes(urllib.parse.urlsplit(bad_url), Want(10, None, bad_etag))


# --- bodies that do not match the listing, from a misbehaving loopback host ------------------


@pytest.fixture
async def bad_host() -> AsyncIterator[BadFileHost]:
    host = BadFileHost()
    await host.start()
    yield host
    await host.close()


@pytest.fixture(params=["fast", "httpx"])
async def host_client(request: pytest.FixtureRequest) -> AsyncIterator[CodeOceanClient]:
    """A client whose signed-URL reads go over real sockets: the worker-thread reader, or httpx."""
    files = None if request.param == "fast" else httpx.AsyncHTTPTransport(retries=0)
    client = CodeOceanClient("http://127.0.0.1:1", "cop_x", files_transport=files,
                             download_timeouts=DownloadTimeouts(read=0.2))
    yield client
    await client.aclose()


@pytest.mark.parametrize("framing", ["close", "chunked"])
async def test_preview_reads_its_budget_from_an_endless_body(bad_host: BadFileHost, host_client: CodeOceanClient, framing: Literal["close", "chunked"]) -> None:
    bad_host.add("endless.txt", 10, Reply(extra=None, framing=framing, ranges=False))
    read = await host_client.files.read_range(f"{bad_host.origin}/b/endless.txt?sig=1")
    assert read.data == pattern(0, PREVIEW_BYTES)
    assert bad_host.served("endless.txt")[0].status == 200  # the Range was ignored


async def test_preview_further_in_keeps_only_what_it_shows(bad_host: BadFileHost, host_client: CodeOceanClient) -> None:
    """A host that ignores Range sends everything before the wanted part: it is dropped as it
    arrives, never held (it was, all of it, before)."""
    start = 16 * 1024 * 1024
    bad_host.add("big.log", 64 * 1024 * 1024, Reply(framing="close", ranges=False))
    tracemalloc.start()
    try:
        read = await host_client.files.read_range(f"{bad_host.origin}/b/big.log?sig=1", start)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read.start == start and read.data == pattern(start, PREVIEW_BYTES)
    assert peak < 4 * 1024 * 1024, peak


@pytest.mark.parametrize("reply", [Reply(extra=None, framing="close"),
                                   Reply(extra=None, framing="chunked"),
                                   Reply(extra=None, declared=4096)],
                         ids=["close", "chunked", "length"])
async def test_download_stops_at_the_listed_size(bad_host: BadFileHost, host_client: CodeOceanClient, tmp_path: Path, reply: Reply) -> None:
    bad_host.add("f.bin", 1000, reply)
    target = tmp_path / "f.bin"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(BodySizeError) as info:
            await host_client.files.download(f"{bad_host.origin}/b/f.bin?sig=1", FdSink(fd), size=1000)
    finally:
        os.close(fd)
    assert info.value.too_large
    assert "the server sent more than the listed size of 1,000 bytes" in info.value.message
    assert target.stat().st_size <= 1000
    assert target.read_bytes() == pattern(0, target.stat().st_size)
    assert "sig=1" not in str(info.value)


async def test_download_without_a_listed_size_takes_what_is_announced(bad_host: BadFileHost, host_client: CodeOceanClient, tmp_path: Path) -> None:
    bad_host.add("f.bin", 1000, Reply(extra=500))
    with open(tmp_path / "f.bin", "wb") as out:
        result = await host_client.files.download(f"{bad_host.origin}/b/f.bin?sig=1", out)
    assert result.written == 1500 and (tmp_path / "f.bin").read_bytes() == pattern(0, 1500)


@pytest.mark.parametrize("framing", ["length", "chunked"])
async def test_a_stalled_body_times_out_with_a_clear_message(bad_host: BadFileHost, host_client: CodeOceanClient, tmp_path: Path, framing: Literal["length", "chunked"]) -> None:
    bad_host.add("f.bin", 1000, Reply(cut=100, stall=True, framing=framing))
    started = time.monotonic()
    with open(tmp_path / "f.bin", "wb") as out, pytest.raises(ApiTimeoutError) as info:
        await host_client.files.download(f"{bad_host.origin}/b/f.bin?sig=1", out, size=1000)
    assert info.value.message == "the server sent nothing for 0.2 s"
    assert time.monotonic() - started < 5
    assert (tmp_path / "f.bin").read_bytes() == pattern(0, 100)


async def test_a_slow_body_that_keeps_moving_is_not_a_stall(bad_host: BadFileHost, host_client: CodeOceanClient, tmp_path: Path) -> None:
    """Pieces come 0.05 s apart for ~0.75 s, against a 0.2 s wait per read: no read waits 0.2 s
    for nothing, so it is no stall (a read that waits for a whole buffer returns what it has
    when the wait runs out)."""
    bad_host.add("slow.bin", 1600, Reply(piece=100, pace=0.05))
    with open(tmp_path / "slow.bin", "wb") as out:
        result = await host_client.files.download(f"{bad_host.origin}/b/slow.bin?sig=1", out,
                                                  size=1600)
    assert result.written == 1600
    assert (tmp_path / "slow.bin").read_bytes() == pattern(0, 1600)
