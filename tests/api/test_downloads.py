"""``client.files.download``: real bytes over loopback sockets (the fast path) and in process
(the httpx path), resume, faults, cancellation, and what goes on the wire."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from co_tui.api import ApiConnectionError, CodeOceanClient, PermissionDeniedError
from co_tui.api.fast_download import _request_bytes
from co_tui.emulator.content import read_content


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
        result = await sock_client.files.download(urls.download_url, fd, progress=seen.append)
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
    raw = _request_bytes(parts, 10, '"etag-1"').decode()
    assert raw.startswith("GET /a%20b/c?X-Amz-Signature=abc HTTP/1.1\r\nHost: bucket.s3.example\r\n")
    assert "Range: bytes=10-\r\nIf-Range: \"etag-1\"\r\n\r\n" in raw
    assert "authorization" not in raw.lower() and "cookie" not in raw.lower()
    for bad_url, bad_etag in [
        ("https://h/a\r\nAuthorization: x", None),
        ("https://h/a b", None),
        ("https://h/a", '"x"\r\nX-Evil: 1'),
    ]:
        with pytest.raises(ValueError):
            _request_bytes(urllib.parse.urlsplit(bad_url), 10, bad_etag)
