"""Streaming a signed URL straight into a sink (a file, in the end), at ``curl`` speed.

httpx streams bodies through h11, which copies every byte into and out of its receive buffer,
and httpcore reads 64 KiB at a time: a 1 GiB download ran at about half of ``curl``'s
throughput (bench/download.py). Here a worker thread does what curl does instead: a blocking
socket reads with ``recv_into`` into one reused buffer and hands each filled piece to the sink
(a temp file's descriptor ``os.write``\\ s it), releasing the GIL for both, so the event loop
only ever sees progress counts.

Scope is deliberately narrow — exactly what a signed storage URL needs: one ``GET``, HTTP/1.1,
``Connection: close``, an identity body with ``Content-Length`` (or delimited by close), an
optional ``Range`` / ``If-Range``. It sends no credentials of any kind (no cookies either, on
any hop) and follows redirects under the same rule as the httpx path
(:func:`co_tui.api.redirects.redirect_target`), one new connection per hop. Anything else (a
chunked body, say) raises :class:`FallbackNeeded` and the caller streams with httpx instead.

Given the file's listed ``size``, no body may make the file larger: an announced length that
disagrees is refused before a byte is written, and a body that runs on is cut at that size
(:class:`~co_tui.api.body_limits.BodySizeError`), so a misbehaving host cannot fill the disk.
Between two reads the socket waits at most ``idle_timeout`` seconds (a stall is a timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from co_tui import __version__
from co_tui.api.body_limits import check_announced, stalled_message, too_large
from co_tui.api.errors import ApiConnectionError, ApiTimeoutError, build_error
from co_tui.api.ranges import parse_content_range, total_from_416
from co_tui.api.redirects import REDIRECT_STATUSES, redirect_target
from co_tui.api.sink import ByteSink
from co_tui.api.tls import ssl_context
from co_tui.redact import safe_url

__all__ = [
    "Connection",
    "DownloadCancelled",
    "DownloadResult",
    "FallbackNeeded",
    "download_blocking",
    "download_in_thread",
]

BUFFER_BYTES = 1 << 20
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f-\uffff]")
_UNSAFE_IN_VALUE = re.compile(r"[\x00-\x1f\x7f]")
_MAX_HEAD = 64 * 1024
_ERROR_BODY = 64 * 1024

class FallbackNeeded(Exception):
    """The response uses HTTP features this fast path does not implement; use httpx instead."""


class DownloadCancelled(Exception):
    """The download was cancelled through its ``cancel`` event."""


class _Redirected(Exception):
    """The response was a redirect: nothing was written; go to ``location`` (maybe None)."""

    def __init__(self, status: int, location: str | None) -> None:
        super().__init__(status)
        self.status = status
        self.location = location


@dataclass(frozen=True)
class DownloadResult:
    """What a download wrote and what the server said about the file.

    ``offset`` is where the written bytes start in the file: the requested offset after a 206,
    0 after a 200 (no Range support, or the ``If-Range`` validator did not match because the
    file changed). ``written`` counts bytes written to the sink by this call.
    """

    status: int
    offset: int
    total_size: int | None
    etag: str | None
    last_modified: str | None
    written: int


@dataclass
class _Head:
    status: int
    reason: str
    headers: httpx.Headers


def _parse_head(raw: bytes) -> _Head:
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ApiConnectionError("not an HTTP/1.x response", operation="download_file")
    pairs: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise ApiConnectionError("malformed response header", operation="download_file")
        pairs.append((name, value.strip()))
    return _Head(int(parts[1]), parts[2] if len(parts) > 2 else "", httpx.Headers(pairs))


class Connection:
    """One blocking socket, shut down from any thread when cancelled."""

    def __init__(self, url: str, connect_timeout: float, idle_timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("a signed URL must be an http(s) URL")
        self.parts = parts
        port = parts.port or (443 if parts.scheme == "https" else 80)
        sock = socket.create_connection((parts.hostname, port), timeout=connect_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(idle_timeout)
        if parts.scheme == "https":
            sock = ssl_context().wrap_socket(sock, server_hostname=parts.hostname)
        self.sock = sock
        self._lock = threading.Lock()
        self.closed = False

    def shutdown(self) -> None:
        """Unblock a pending ``recv`` (from another thread) and close."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()


def _request_bytes(parts: urllib.parse.SplitResult, offset: int, if_range: str | None) -> bytes:
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lines = [
        f"GET {target} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"User-Agent: co-tui/{__version__}",
        "Accept: */*",
        "Accept-Encoding: identity",
        "Connection: close",
    ]
    if offset > 0:
        lines.append(f"Range: bytes={offset}-")
        if if_range:
            lines.append(f"If-Range: {if_range}")
    if _UNSAFE_IN_TARGET.search(target + parts.netloc) or (
        if_range is not None and _UNSAFE_IN_VALUE.search(if_range)
    ):
        raise ValueError("refusing a URL or validator with control characters or spaces")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def download_blocking(
    url: str,
    sink: ByteSink,
    *,
    offset: int = 0,
    if_range: str | None = None,
    connect_timeout: float = 10.0,
    idle_timeout: float = 60.0,
    cancel: threading.Event | None = None,
    progress: Callable[[int], None] | None = None,
    on_connect: Callable[[Connection], None] | None = None,
    buffer_bytes: int = BUFFER_BYTES,
    size: int | None = None,
) -> DownloadResult:
    """GET ``url`` (from ``offset``) and hand its body to ``sink``; run it in a worker thread.

    ``size`` is the file's listed size, when known: the file never grows past it (see the
    module docstring), and a body without a length that ends short of it is a broken
    connection. ``idle_timeout`` bounds the wait for each read of the socket.

    ``progress`` is called with the running count of bytes written (cheaply: the caller should
    sample it on a timer, not redraw per call). ``cancel`` stops the transfer at the next
    buffer; ``on_connect`` hands out the connection so another thread can shut it down at once.
    Redirects are followed, one connection per hop, under the shared rule (a refused one raises
    :class:`~co_tui.api.redirects.RedirectError`).
    Raises :class:`~co_tui.api.errors.ApiError` subclasses (HTTP errors, timeouts, a body cut
    short), :class:`DownloadCancelled`, or :class:`FallbackNeeded`.
    """
    current = url
    followed = 0
    while True:
        try:
            return _download_once(current, sink, offset, if_range, connect_timeout, idle_timeout,
                                  cancel, progress, on_connect, buffer_bytes, size)
        except _Redirected as hop:
            current = redirect_target(url, current, hop.status, hop.location, followed,
                                      operation="download_file")
            followed += 1


def _download_once(
    url: str,
    sink: ByteSink,
    offset: int,
    if_range: str | None,
    connect_timeout: float,
    idle_timeout: float,
    cancel: threading.Event | None,
    progress: Callable[[int], None] | None,
    on_connect: Callable[[Connection], None] | None,
    buffer_bytes: int,
    size: int | None,
) -> DownloadResult:
    """One request of :func:`download_blocking` (raises :class:`_Redirected` for a redirect)."""
    shown = safe_url(url)
    try:
        conn = Connection(url, connect_timeout, idle_timeout)
    except TimeoutError as exc:
        raise ApiTimeoutError("timed out connecting", operation="download_file", url=shown) from exc
    except OSError as exc:
        raise ApiConnectionError(
            f"connection failed: {exc.strerror or exc}", operation="download_file", url=shown
        ) from exc
    if on_connect is not None:
        on_connect(conn)
    if cancel is not None and cancel.is_set():
        conn.shutdown()
        raise DownloadCancelled()
    try:
        return _transfer(conn, sink, offset, if_range, cancel, progress, buffer_bytes, shown,
                         size)
    except TimeoutError as exc:
        raise ApiTimeoutError(
            stalled_message(idle_timeout), operation="download_file", url=shown
        ) from exc
    except OSError as exc:
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled() from exc
        raise ApiConnectionError(
            f"connection failed: {exc.strerror or exc}", operation="download_file", url=shown
        ) from exc
    finally:
        conn.shutdown()


def _transfer(
    conn: Connection,
    sink: ByteSink,
    offset: int,
    if_range: str | None,
    cancel: threading.Event | None,
    progress: Callable[[int], None] | None,
    buffer_bytes: int,
    shown: str,
    size: int | None,
) -> DownloadResult:
    sock = conn.sock
    sock.sendall(_request_bytes(conn.parts, offset, if_range))
    buffer = bytearray(buffer_bytes)
    view = memoryview(buffer)
    filled = 0
    while True:  # the head: up to the blank line, at most _MAX_HEAD bytes
        n = sock.recv_into(view[filled:_MAX_HEAD])
        if n == 0:
            raise ApiConnectionError("connection closed before a response", url=shown,
                                     operation="download_file")
        filled += n
        end = buffer.find(b"\r\n\r\n", 0, filled)
        if end >= 0:
            break
        if filled >= _MAX_HEAD:
            raise ApiConnectionError("response headers too large", url=shown,
                                     operation="download_file")
    head = _parse_head(bytes(buffer[:end]))
    body_start = end + 4
    headers = head.headers
    if head.status in REDIRECT_STATUSES:
        raise _Redirected(head.status, headers.get("location"))
    if "transfer-encoding" in headers or "content-encoding" in headers:
        raise FallbackNeeded(headers.get("transfer-encoding") or headers.get("content-encoding"))
    length_text = headers.get("content-length")
    length = int(length_text) if length_text and length_text.isdigit() else None

    if head.status not in (200, 206):
        body = bytes(buffer[body_start:filled])
        while len(body) < min(length or _ERROR_BODY, _ERROR_BODY):
            chunk = sock.recv(_ERROR_BODY - len(body))
            if not chunk:
                break
            body += chunk
        if head.status == 416 and offset > 0:
            return DownloadResult(416, offset, total_from_416(headers.get("content-range")),
                                  headers.get("etag"), headers.get("last-modified"), 0)
        response = httpx.Response(head.status, headers=headers, content=body,
                                  request=httpx.Request("GET", shown))
        raise build_error(operation="download_file", response=response, url=shown)

    start, total = 0, length
    if head.status == 206:
        parsed = parse_content_range(headers.get("content-range"))
        if parsed is None or parsed[0] != offset:
            raise ApiConnectionError("206 response with a missing or wrong Content-Range",
                                     url=shown, operation="download_file")
        start, total = parsed[0], parsed[2]
    # ``limit``: the most body bytes that may be written. With a length, HTTP ends the body
    # there (anything after it is not part of the answer); without one, the listed size is the
    # limit and one more byte means the server is sending too much.
    limit = length
    if size is not None:
        allowed = check_announced(size, start, total, length, shown)
        limit = allowed if length is None else length
    written = 0
    pending = view[body_start:filled]
    if limit is not None and len(pending) > limit:
        if length is None:
            raise too_large(size or 0, None, shown)
        pending = pending[:limit]
    while True:
        if pending:
            sink.write(pending)
            written += len(pending)
            if progress is not None:
                progress(written)
        if length is not None and written >= length:
            break
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled()
        want = buffer_bytes if limit is None else max(1, min(buffer_bytes, limit - written))
        n = sock.recv_into(view[:want])
        if n == 0:
            if limit is None:
                break
            if written < limit:
                raise ApiConnectionError(
                    f"connection closed after {written:,} of {limit:,} bytes",
                    url=shown, operation="download_file",
                )
            break
        if limit is not None and written + n > limit:  # only when there is no length
            raise too_large(size or 0, None, shown)
        pending = view[:n]
    return DownloadResult(head.status, start, total, headers.get("etag"),
                          headers.get("last-modified"), written)


async def download_in_thread(
    url: str,
    sink: ByteSink,
    *,
    offset: int,
    if_range: str | None,
    progress: Callable[[int], None] | None,
    size: int | None,
    connect_timeout: float,
    idle_timeout: float,
) -> DownloadResult:
    """:func:`download_blocking` in a worker thread. Cancelling the awaiting task stops the
    transfer promptly: the thread is told to stop and its sockets are shut down, then awaited."""
    cancel = threading.Event()
    connections: list[Connection] = []
    job = asyncio.ensure_future(asyncio.to_thread(
        download_blocking, url, sink, offset=offset, if_range=if_range,
        connect_timeout=connect_timeout, idle_timeout=idle_timeout,
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
