"""Reading signed file URLs: a byte range for previews, a stream for downloads.

These requests go through the client's second ``httpx.AsyncClient``, which has no auth, no
cookies and refuses to send an ``Authorization`` header: a signed URL authorises itself, and the
Code Ocean token must never reach the storage host. Redirects are
followed hop by hop under the rule of :mod:`co_tui.api.redirects` (the fast download path
applies the same rule), each hop going through that client's checks again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from co_tui.api.body_limits import BodySizeError, check_announced, stalled_message, too_large
from co_tui.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    build_error,
    request_never_sent,
)
from co_tui.api.fast_download import (
    Connection,
    DownloadCancelled,
    DownloadResult,
    FallbackNeeded,
    Sink,
    download_blocking,
)
from co_tui.api.redact import safe_url
from co_tui.api.redirects import REDIRECT_STATUSES, redirect_target
from co_tui.api.retry import OpKind

log = logging.getLogger("co_tui.api.files")

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "BodySizeError",
    "DownloadCancelled",
    "DownloadResult",
    "FileStream",
    "RangeRead",
    "SignedFiles",
    "parse_content_range",
]

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)

PREVIEW_BYTES = 256 * 1024
"""The most a preview reads (product section 3.2)."""

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


def parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """``(first, last, total)`` from ``Content-Range: bytes a-b/n`` (total None for ``*``)."""
    if not value:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    first, last, total = match.groups()
    return int(first), int(last), None if total == "*" else int(total)


@dataclass(frozen=True)
class RangeRead:
    """Bytes read from a signed URL starting at ``start``.

    ``total_size`` is the whole file's size when the server said; ``at_end`` is True when the
    read reached the end of the file (nothing more to load).
    """

    data: bytes
    start: int
    total_size: int | None
    etag: str | None

    @property
    def at_end(self) -> bool:
        """True when no bytes follow this read."""
        return self.total_size is not None and self.start + len(self.data) >= self.total_size


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
        :data:`SOCKET_READ_BYTES`); re-chunking copies every byte once more, which costs a third
        of the throughput on loopback (bench/download.py).
        """
        return self.response.aiter_raw(chunk_size)


def _sizes(response: httpx.Response, requested_start: int) -> tuple[int, int | None]:
    """(offset of the body, total file size) for a 200 or 206 response."""
    if response.status_code == 206:
        parsed = parse_content_range(response.headers.get("Content-Range"))
        if parsed is None or parsed[0] != requested_start:
            raise httpx.RemoteProtocolError("206 response with a missing or wrong Content-Range")
        return parsed[0], parsed[2]
    length = response.headers.get("Content-Length")
    return 0, int(length) if length and length.isdigit() else None


class SignedFiles:
    """``client.files``: byte ranges and streams from signed URLs."""

    def __init__(
        self, client: CodeOceanClient, http: httpx.AsyncClient, *, sockets: bool = True
    ) -> None:
        raise_socket_read_size()
        self._client = client
        self._http = http
        self._sockets = sockets

    @asynccontextmanager
    async def _get(
        self, url: str, headers: dict[str, str], operation: str
    ) -> AsyncIterator[httpx.Response]:
        """The streamed response of ``GET url`` after following its redirects (at most five,
        never to a weaker scheme; :func:`~co_tui.api.redirects.redirect_target`). Every hop is
        sent with the same headers, through the client's request hooks."""
        current = url
        followed = 0
        while True:
            request = self._http.build_request("GET", current, headers=headers)
            response = await self._http.send(request, stream=True)
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

    async def read_range(self, url: str, start: int = 0, length: int = PREVIEW_BYTES) -> RangeRead:
        """At most ``length`` bytes from ``start`` (an HTTP Range request), retried like a read.

        Only those bytes are ever read, even if the server ignores ``Range`` and starts sending
        a multi-gigabyte file. A 403 (expired signature) raises ``PermissionDeniedError``: get
        fresh URLs and call again.
        """
        if start < 0 or length <= 0:
            raise ValueError("start must be >= 0 and length > 0")
        deadline = self._client.download_timeouts.range_deadline
        attempt = 0
        try:
            async with asyncio.timeout(deadline):
                while True:
                    attempt += 1
                    try:
                        read = await self._read_range_once(url, start, length)
                    except ApiError as error:
                        log.debug("read %s bytes %d+%d -> %s (attempt %d)", safe_url(url),
                                  start, length, error.message, attempt)
                        cause = error.__cause__
                        never_sent = cause is not None and request_never_sent(cause)
                        await self._client._backoff_or_raise(
                            error, cause, OpKind.READ, attempt, never_sent
                        )
                        continue
                    log.debug("read %s bytes %d+%d -> %d bytes of %s (attempt %d)",
                              safe_url(url), start, length, len(read.data), read.total_size,
                              attempt)
                    return read
        except TimeoutError as exc:
            raise ApiTimeoutError(
                f"no answer within {deadline:g} s", operation="read_file", url=safe_url(url)
            ) from exc

    async def _read_range_once(self, url: str, start: int, length: int) -> RangeRead:
        headers = {"Range": f"bytes={start}-{start + length - 1}"}
        try:
            async with self._get(url, headers, "read_file") as response:
                if response.status_code == 416:
                    return RangeRead(b"", start, _total_from_416(response), None)
                if response.status_code not in (200, 206):
                    await response.aread()
                    raise build_error(operation="read_file", response=response, url=url)
                offset, total = _sizes(response, start)
                skip = start - offset  # a 200 starts at 0: skip up to the requested start
                # Whatever the server sends (the whole file, an endless body), at most
                # ``length`` bytes are kept and the read stops there; skipped bytes are dropped
                # as they arrive.
                chunks: list[bytes] = []
                kept = 0
                async for chunk in response.aiter_raw():
                    if skip >= len(chunk):
                        skip -= len(chunk)
                        continue
                    piece = chunk[skip:skip + length - kept]
                    skip = 0
                    chunks.append(piece)
                    kept += len(piece)
                    if kept >= length:
                        break
                data = b"".join(chunks)
                return RangeRead(data, start, total, response.headers.get("ETag"))
        except httpx.TransportError as exc:
            raise build_error(operation="read_file", exc=exc, url=url) from exc

    async def download(
        self,
        url: str,
        sink: Sink,
        *,
        offset: int = 0,
        if_range: str | None = None,
        progress: Callable[[int], None] | None = None,
        size: int | None = None,
    ) -> DownloadResult:
        """Write the body of ``url`` (from ``offset``) to ``sink``: a file descriptor or file.

        ``size`` is the file's listed size, when known. The file never grows past it: a
        ``Content-Length`` or ``Content-Range`` that disagrees is refused before a byte is
        written, and a body that runs on is cut there; both raise :class:`BodySizeError`. A
        body with no length that ends short of it is a broken connection (resumable). A body
        that stops arriving fails after the read timeout
        (:attr:`~co_tui.api.retry.DownloadTimeouts.read`) with an ``ApiTimeoutError``.

        On real sockets a worker thread moves the bytes (:mod:`co_tui.api.fast_download`,
        curl's throughput); with an injected transport (tests, the in-process emulator) or an
        unusual response it streams through httpx. Cancelling the awaiting task stops the
        transfer promptly. Not retried: resuming is the caller's decision (``offset`` +
        ``if_range``; check ``DownloadResult.offset``, which is 0 when the file changed).
        """
        log.debug("download %s from byte %d", safe_url(url), offset)
        if self._sockets:
            try:
                return await self._download_in_thread(url, sink, offset, if_range, progress,
                                                      size)
            except FallbackNeeded:
                pass
        return await _download_with_httpx(self, url, sink, offset, if_range, progress, size)

    async def _download_in_thread(
        self,
        url: str,
        sink: Sink,
        offset: int,
        if_range: str | None,
        progress: Callable[[int], None] | None,
        size: int | None,
    ) -> DownloadResult:
        cancel = threading.Event()
        connections: list[Connection] = []
        timeouts = self._client.download_timeouts
        job = asyncio.ensure_future(asyncio.to_thread(
            download_blocking, url, sink, offset=offset, if_range=if_range,
            connect_timeout=timeouts.connect, idle_timeout=timeouts.read,
            cancel=cancel, progress=progress, on_connect=connections.append, size=size,
        ))
        try:
            return await asyncio.shield(job)
        except asyncio.CancelledError:
            cancel.set()
            for conn in connections:
                conn.shutdown()
            with contextlib.suppress(BaseException):
                await job
            raise

    @asynccontextmanager
    async def open_stream(
        self, url: str, *, offset: int = 0, if_range: str | None = None
    ) -> AsyncIterator[FileStream]:
        """Open a download of ``url`` from ``offset`` (Range + optional If-Range validator).

        Not retried here: the transfer layer owns resume, so it decides what a broken stream
        means. Errors are :class:`ApiError`\\ s; a 416 for an offset at the end of the file
        yields an empty stream at that offset.
        """
        headers: dict[str, str] = {}
        if offset > 0:
            headers["Range"] = f"bytes={offset}-"
            if if_range:
                headers["If-Range"] = if_range
        try:
            async with self._get(url, headers, "download_file") as response:
                if response.status_code == 416 and offset > 0:
                    total = _total_from_416(response)
                    yield FileStream(response, offset, total, response.headers.get("ETag"), None)
                    return
                if response.status_code not in (200, 206):
                    await response.aread()
                    raise build_error(operation="download_file", response=response, url=url)
                start, total = _sizes(response, offset)
                yield FileStream(
                    response,
                    start,
                    total,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                )
        except httpx.ReadTimeout as exc:
            seconds = self._client.download_timeouts.read
            raise ApiTimeoutError(stalled_message(seconds), operation="download_file",
                                  url=safe_url(url)) from exc
        except httpx.TransportError as exc:
            raise build_error(operation="download_file", exc=exc, url=url) from exc


async def _download_with_httpx(
    files: SignedFiles,
    url: str,
    sink: Sink,
    offset: int,
    if_range: str | None,
    progress: Callable[[int], None] | None,
    size: int | None,
) -> DownloadResult:
    written = 0
    async with files.open_stream(url, offset=offset, if_range=if_range) as stream:
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
        async for chunk in stream.aiter_raw():
            if limit is not None and written + len(chunk) > limit:
                # a chunked or close-delimited body running past the listed size: stop reading
                # before any of it reaches the sink
                raise too_large(size or 0, None, safe_url(url))
            await _write_in_thread(sink, chunk)
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


def _total_from_416(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Range", "")
    match = re.match(r"^\s*bytes\s+\*/(\d+)\s*$", value)
    return int(match.group(1)) if match else None


async def _write_in_thread(sink: Sink, data: bytes) -> None:
    if isinstance(sink, int):
        await asyncio.to_thread(_write_fd, sink, data)
    else:
        await asyncio.to_thread(sink.write, data)


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
