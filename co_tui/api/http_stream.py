"""Signed-URL requests through httpx: following redirects, opening a (ranged) stream, and
streaming a body into a sink when the socket reader of :mod:`co_tui.api.fast_download` cannot.

These requests go through the client's second ``httpx.AsyncClient``, which has no auth, no
cookies and refuses to send an ``Authorization`` header: a signed URL authorises itself, and the
Code Ocean token must never reach the storage host. Redirects are followed hop by hop under the
rule of :mod:`co_tui.api.redirects` (the socket reader applies the same rule), each hop going
through that client's checks again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from co_tui.api.body_limits import check_announced, stalled_message, too_large
from co_tui.api.errors import ApiConnectionError, ApiTimeoutError, build_error
from co_tui.api.fast_download import DownloadResult
from co_tui.api.ranges import parse_content_range, total_from_416
from co_tui.api.redirects import REDIRECT_STATUSES, redirect_target
from co_tui.api.sink import ByteSink
from co_tui.redact import safe_url

log = logging.getLogger("co_tui.api.files")

SOCKET_READ_BYTES = 256 * 1024
"""How much httpcore asks the socket for per read (its default is 64 KiB)."""


def raise_socket_read_size() -> None:
    """Let httpcore read up to :data:`SOCKET_READ_BYTES` per socket read.

    httpcore reads HTTP/1.1 bodies 64 KiB at a time, and each read costs a round of h11 and
    async machinery: streaming a 1 GiB signed URL on loopback ran at a third of ``curl``'s
    throughput, and at ~1.1x curl with 256 KiB reads (bench/download.py). The knob is a class
    attribute; a test fails if an httpcore upgrade removes it.
    """
    from httpcore._async.http11 import AsyncHTTP11Connection

    if getattr(AsyncHTTP11Connection, "READ_NUM_BYTES", 0) < SOCKET_READ_BYTES:
        AsyncHTTP11Connection.READ_NUM_BYTES = SOCKET_READ_BYTES

__all__ = [
    "SOCKET_READ_BYTES",
    "FileStream",
    "body_sizes",
    "download_with_httpx",
    "get_following",
    "open_stream",
    "raise_socket_read_size",
]


@dataclass
class FileStream:
    """An open download response.

    ``offset`` is where its bytes start in the file: the requested offset for a 206, and 0 when
    the server sent the whole file instead (no Range support, or ``If-Range`` did not match —
    the file changed, so a resume must start over).
    """

    response: httpx.Response
    offset: int
    total_size: int | None
    etag: str | None
    last_modified: str | None

    def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body exactly as stored (no content decoding).

        With no ``chunk_size`` the pieces come as the socket delivers them (up to
        :data:`SOCKET_READ_BYTES`); re-chunking copies every byte once
        more, which costs a third of the throughput on loopback (bench/download.py).
        """
        return self.response.aiter_raw(chunk_size)


def body_sizes(response: httpx.Response, requested_start: int) -> tuple[int, int | None]:
    """(offset of the body, total file size) for a 200 or 206 response."""
    if response.status_code == 206:
        parsed = parse_content_range(response.headers.get("Content-Range"))
        if parsed is None or parsed[0] != requested_start:
            raise httpx.RemoteProtocolError("206 response with a missing or wrong Content-Range")
        return parsed[0], parsed[2]
    length = response.headers.get("Content-Length")
    return 0, int(length) if length and length.isdigit() else None


@asynccontextmanager
async def get_following(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], operation: str
) -> AsyncIterator[httpx.Response]:
    """The streamed response of ``GET url`` after following its redirects (at most five,
    never to a weaker scheme; :func:`~co_tui.api.redirects.redirect_target`). Every hop is
    sent with the same headers, through the client's request hooks."""
    current = url
    followed = 0
    while True:
        request = http.build_request("GET", current, headers=headers)
        response = await http.send(request, stream=True)
        if response.status_code not in REDIRECT_STATUSES:
            break
        await response.aclose()
        current = redirect_target(url, current, response.status_code,
                                  response.headers.get("Location"), followed,
                                  operation=operation)
        followed += 1
        log.debug("%s redirected to %s", operation, safe_url(current))
    try:
        yield response
    finally:
        await response.aclose()


@asynccontextmanager
async def open_stream(
    http: httpx.AsyncClient, url: str, *, offset: int, if_range: str | None, read_timeout: float
) -> AsyncIterator[FileStream]:
    """Open a download of ``url`` from ``offset`` (Range + optional If-Range validator); see
    :meth:`co_tui.api.files.SignedFiles.open_stream`."""
    headers: dict[str, str] = {}
    if offset > 0:
        headers["Range"] = f"bytes={offset}-"
        if if_range:
            headers["If-Range"] = if_range
    try:
        async with get_following(http, url, headers, "download_file") as response:
            if response.status_code == 416 and offset > 0:
                total = total_from_416(response.headers.get("Content-Range"))
                yield FileStream(response, offset, total, response.headers.get("ETag"), None)
                return
            if response.status_code not in (200, 206):
                await response.aread()
                raise build_error(operation="download_file", response=response, url=url)
            start, total = body_sizes(response, offset)
            yield FileStream(
                response,
                start,
                total,
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except httpx.ReadTimeout as exc:
        raise ApiTimeoutError(stalled_message(read_timeout), operation="download_file",
                              url=safe_url(url)) from exc
    except httpx.TransportError as exc:
        raise build_error(operation="download_file", exc=exc, url=url) from exc


async def download_with_httpx(
    http: httpx.AsyncClient,
    url: str,
    sink: ByteSink,
    *,
    offset: int,
    if_range: str | None,
    progress: Callable[[int], None] | None,
    size: int | None,
    read_timeout: float,
    on_head: Callable[[int, str | None], None] | None = None,
) -> DownloadResult:
    """One download attempt streamed through httpx, each piece handed to ``sink`` in a thread
    (same limits and result as :func:`co_tui.api.fast_download.download_blocking`)."""
    written = 0
    async with open_stream(http, url, offset=offset, if_range=if_range,
                           read_timeout=read_timeout) as stream:
        status = stream.response.status_code
        if status == 416:
            return DownloadResult(status, stream.offset, stream.total_size, stream.etag,
                                  stream.last_modified, 0)
        headers = stream.response.headers
        length_text = headers.get("Content-Length")
        framed = "Transfer-Encoding" in headers
        length = int(length_text) if length_text and length_text.isdigit() and not framed else None
        limit: int | None = None
        if size is not None:
            limit = check_announced(size, stream.offset, stream.total_size, length,
                                    safe_url(url))
        if on_head is not None:
            on_head(status, stream.etag)
        async for chunk in stream.aiter_raw():
            if limit is not None and written + len(chunk) > limit:
                # a chunked or close-delimited body running past the listed size: stop reading
                # before any of it reaches the sink
                raise too_large(size or 0, None, safe_url(url))
            await asyncio.to_thread(sink.write, chunk)
            written += len(chunk)
            if progress is not None:
                progress(written)
        if limit is not None and written < limit and length is None and not framed:
            # a body delimited by the connection closing, closed early: a broken transfer
            raise ApiConnectionError(f"connection closed after {written:,} of {limit:,} bytes",
                                     operation="download_file", url=safe_url(url))
        return DownloadResult(
            status, stream.offset, stream.total_size, stream.etag, stream.last_modified, written
        )
