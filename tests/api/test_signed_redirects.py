"""Signed URLs that redirect: previews, range reads, streams and downloads follow up to five
redirects (never to a weaker scheme, never with credentials) on every path - httpx in process,
and the raw-socket fast path over loopback - and a sixth, or a redirect without a Location, is a
clear typed error. The emulator's file origin redirects on demand (``file_origin.quirks``)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.redirects import MAX_REDIRECTS, RedirectError, redirect_target
from co_tui.emulator.content import read_content
from co_tui.emulator.files_app import FileOriginQuirks
from co_tui.transfer.fetch import FdSink

README = "README.md"


def _file(demo_seed: Any, min_size: int, max_size: int) -> tuple[Any, Any]:
    main = demo_seed.users[0].id
    for asset in demo_seed.assets:
        if asset.owner != main or asset.archived or asset.state != "ready":
            continue
        for f in asset.files:
            if min_size <= f.content.size <= max_size:
                return asset, f
    raise AssertionError("no such file in the demo seed")


def _expected(asset: Any, f: Any) -> bytes:
    return read_content(f.content, 0, f.content.size, salt=f"{asset.id}/{f.path}")


def _no_credentials(headers: list[dict[str, str]] | list[httpx.Headers]) -> None:
    for sent in headers:
        assert "authorization" not in sent and "cookie" not in sent, dict(sent)


# --- the rule ----------------------------------------------------------------------------------


def test_rule_follows_relative_and_absolute_locations() -> None:
    first = "https://files.example.org/bucket/a.txt?sig=1"
    assert redirect_target(first, first, 307, "/other/a.txt?sig=2#frag", 0,
                           operation="read_file") == "https://files.example.org/other/a.txt?sig=2"
    assert redirect_target(first, first, 302, "https://cdn.example.net/x", 4,
                           operation="read_file") == "https://cdn.example.net/x"
    # a loopback test server speaks http: http stays allowed when the first URL was http
    plain = "http://127.0.0.1:9/bucket/a"
    assert redirect_target(plain, plain, 308, "http://127.0.0.1:9/b", 0,
                           operation="x") == "http://127.0.0.1:9/b"
    assert redirect_target(plain, plain, 301, "https://s3.example/b", 0,
                           operation="x") == "https://s3.example/b"


@pytest.mark.parametrize(("first", "location", "followed", "words"), [
    ("https://f.example/a", "http://f.example/a", 0, "from https to an insecure http address"),
    ("https://f.example/a", "HTTP://f.example/a", 0, "insecure http"),
    ("https://f.example/a", "ftp://f.example/a", 0, "only https is followed"),
    ("https://f.example/a", "file:///etc/passwd", 0, "only https is followed"),
    ("https://f.example/a", None, 0, "without a Location"),
    ("https://f.example/a", "  ", 0, "without a Location"),
    ("https://f.example/a", "https://f.example/\x00", 0, "not a URL"),
    ("https://f.example/a", "https://f.example/b", MAX_REDIRECTS, "more than 5 times"),
])
def test_rule_refuses(first: str, location: str | None, followed: int, words: str) -> None:
    with pytest.raises(RedirectError) as info:
        redirect_target(first, first, 307, location, followed, operation="read_file")
    assert words in info.value.message
    assert info.value.status == 307 and info.value.operation == "read_file"


def test_a_downgrade_after_an_https_hop_is_refused_too() -> None:
    """The scheme of the first URL decides: https -> https -> http is refused at the last hop."""
    first = "https://f.example/a"
    second = redirect_target(first, first, 307, "https://g.example/b", 0, operation="x")
    with pytest.raises(RedirectError, match="insecure http"):
        redirect_target(first, second, 307, "http://h.example/c", 1, operation="x")


async def test_httpx_path_refuses_https_to_http_without_sending_the_hop() -> None:
    """Against a mock https storage host: the http target is never requested."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(307, headers={"Location": "http://files.example.org/plain"})

    client = CodeOceanClient("https://co.example.org", "cop_x",
                             files_transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(RedirectError, match="insecure http"):
            await client.files.read_range("https://files.example.org/signed?sig=1", 0, 10)
        with pytest.raises(RedirectError, match="insecure http"):
            async with client.files.open_stream("https://files.example.org/signed?sig=1"):
                pass
    finally:
        await client.aclose()
    assert [r.url.scheme for r in seen] == ["https", "https"]  # one request each, no hop


# --- in process (httpx) ------------------------------------------------------------------------


@pytest.fixture
def quirks(emulator: Any) -> FileOriginQuirks:
    quirks = FileOriginQuirks(requests=[])
    emulator.file_origin.quirks = quirks
    return quirks


@pytest.mark.parametrize("hops", [1, MAX_REDIRECTS])
async def test_range_reads_and_streams_follow_redirects(
    client: CodeOceanClient, recorder: Any, quirks: FileOriginQuirks, demo_seed: Any, hops: int,
) -> None:
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    expected = _expected(asset, f)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    quirks.redirects = hops
    before = len(recorder.requests)
    read = await client.files.read_range(urls.download_url, 10, 1000)
    assert read.data == expected[10:1010] and read.total_size == f.content.size
    hop_requests = recorder.requests[before:]
    assert len(hop_requests) == hops + 1  # every hop is a request of its own
    assert all(r.headers["range"] == "bytes=10-1009" for r in hop_requests)  # Range on each hop
    _no_credentials([r.headers for r in hop_requests])
    _no_credentials(quirks.requests or [])  # the cookie each redirect set never came back
    async with client.files.open_stream(urls.download_url) as stream:
        body = b"".join([chunk async for chunk in stream.aiter_raw()])
    assert body == expected
    half = f.content.size // 2  # a resume through the redirects: Range + If-Range on each hop
    async with client.files.open_stream(urls.download_url, offset=half,
                                        if_range=read.etag) as stream:
        rest = b"".join([chunk async for chunk in stream.aiter_raw()])
    assert stream.offset == half and rest == expected[half:]


async def test_a_sixth_redirect_is_a_clear_error(
    client: CodeOceanClient, quirks: FileOriginQuirks, demo_seed: Any, sleeps: list[float],
    tmp_path: Path,
) -> None:
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    quirks.redirects = MAX_REDIRECTS + 1
    with pytest.raises(RedirectError) as info:
        await client.files.read_range(urls.download_url, 0, 100)
    assert "redirected more than 5 times" in info.value.message
    assert "X-Amz-Signature" not in str(info.value)  # the signature stays out of messages
    assert sleeps == []  # not retried: it would go the same way again
    assert len(quirks.requests or []) == MAX_REDIRECTS + 1
    with open(tmp_path / "x", "wb") as out, pytest.raises(RedirectError, match="more than 5"):
        await client.files.download(urls.download_url, out)


async def test_a_redirect_without_location_is_a_clear_error(
    client: CodeOceanClient, quirks: FileOriginQuirks, demo_seed: Any,
) -> None:
    asset, f = _file(demo_seed, 1000, 5_000_000)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    quirks.redirects, quirks.location = 1, "none"
    with pytest.raises(RedirectError, match=r"redirect \(307\) without a Location"):
        await client.files.read_range(urls.download_url, 0, 100)
    quirks.location = "relative"  # a path on the same host is followed
    read = await client.files.read_range(urls.download_url, 0, 100)
    assert read.data == _expected(asset, f)[:100]


# --- over loopback sockets (the fast download path) -----------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    from co_tui.emulator import EmulatorConfig, serve_in_thread

    with serve_in_thread(EmulatorConfig(seed="demo"), host="127.0.0.1") as handle:
        yield handle


@pytest.fixture
async def sock_client(served: Any) -> AsyncIterator[CodeOceanClient]:
    client = CodeOceanClient(served.domain, served.emulator.main_token)
    quirks = FileOriginQuirks(requests=[])
    served.emulator.file_origin.quirks = quirks
    yield client
    served.emulator.file_origin.quirks = FileOriginQuirks()
    await client.aclose()


@pytest.mark.parametrize("hops", [1, MAX_REDIRECTS])
async def test_fast_download_follows_redirects(
    sock_client: CodeOceanClient, served: Any, demo_seed: Any, tmp_path: Path, hops: int,
) -> None:
    asset, f = _file(demo_seed, 3_000_000, 60_000_000)
    expected = _expected(asset, f)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    quirks = served.emulator.file_origin.quirks
    quirks.redirects = hops
    dest = tmp_path / "out.bin"
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        result = await sock_client.files.download(urls.download_url, FdSink(fd))
    finally:
        os.close(fd)
    assert result.status == 200 and result.written == f.content.size
    assert dest.read_bytes() == expected
    assert len(quirks.requests) == hops + 1
    _no_credentials(quirks.requests)
    # resume through the redirects: the Range and If-Range reach the final hop
    half = f.content.size // 2
    with open(tmp_path / "part", "wb") as out:
        resumed = await sock_client.files.download(urls.download_url, out, offset=half,
                                                   if_range=result.etag)
    assert resumed.status == 206 and resumed.offset == half
    assert (tmp_path / "part").read_bytes() == expected[half:]
    assert all(r.get("range") == f"bytes={half}-" for r in quirks.requests[hops + 1:])


async def test_fast_download_stops_at_the_sixth_redirect(
    sock_client: CodeOceanClient, served: Any, demo_seed: Any, tmp_path: Path,
) -> None:
    asset, f = _file(demo_seed, 100_000, 5_000_000)
    urls = await sock_client.data_assets.get_data_asset_file_urls(asset.id, f.path)
    quirks = served.emulator.file_origin.quirks
    quirks.redirects = MAX_REDIRECTS + 1
    with open(tmp_path / "x", "wb") as out, pytest.raises(RedirectError) as info:
        await sock_client.files.download(urls.download_url, out)
    assert "redirected more than 5 times" in info.value.message
    assert (tmp_path / "x").read_bytes() == b""  # no redirect body was written
    assert len(quirks.requests) == MAX_REDIRECTS + 1
    quirks.requests.clear()
    quirks.redirects, quirks.location = 1, "none"
    with open(tmp_path / "y", "wb") as out, pytest.raises(RedirectError, match="without a Loc"):
        await sock_client.files.download(urls.download_url, out)
    # previews over real sockets (httpx) follow the same rule
    quirks.redirects, quirks.location = MAX_REDIRECTS, "absolute"
    read = await sock_client.files.read_range(urls.download_url, 0, 64)
    assert read.data == _expected(asset, f)[:64]
