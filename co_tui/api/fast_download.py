"""Streaming a signed URL straight into a sink (a file, in the end), at ``curl`` speed.

httpx streams bodies through h11, which copies every byte into and out of its receive buffer,
and httpcore reads 64 KiB at a time: a 1 GiB download ran at about half of ``curl``'s
throughput (bench/download.py). Here a worker thread does what curl does instead: a blocking
socket reads with ``recv_into`` into one reused buffer and hands each filled piece to the sink
(a temp file's descriptor ``os.write``\\ s it), releasing the GIL for both, so the event loop
only ever sees progress counts. From a plain socket into a sink that takes bytes from a pipe (a
file's descriptor), the body goes by ``splice`` instead (:mod:`co_tui.api.splice`: one copy in
the kernel instead of two).

Scope is deliberately narrow — exactly what a signed storage URL needs: one ``GET``, HTTP/1.1,
an identity body with ``Content-Length`` (or delimited by close), an optional ``Range`` (from an
offset, or one bounded part ``a-b``) / ``If-Range``. Connections come from, and go back to, a
:class:`~co_tui.api.conn_pool.ConnectionPool` (kept alive between files). It sends no credentials
of any kind (no cookies either, on any hop) and follows redirects under the same rule as the
httpx path (:func:`co_tui.api.redirects.redirect_target`). Anything else (a chunked body, say)
raises :class:`FallbackNeeded` and the caller streams with httpx instead.

Given the file's listed ``size``, no body may make the file larger: an announced length that
disagrees is refused before a byte is written, and a body that runs on is cut at that size
(:class:`~co_tui.api.body_limits.BodySizeError`), so a misbehaving host cannot fill the disk.
Between two reads the socket waits at most ``idle_timeout`` seconds (a stall is a timeout).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from co_tui.api import splice
from co_tui.api.body_limits import check_announced, check_part, stalled_message, too_large
from co_tui.api.conn_pool import TIMED_OUT, Connection, ConnectionPool, origin_of
from co_tui.api.errors import ApiConnectionError, ApiTimeoutError, build_error
from co_tui.api.http1 import (
    MAX_HEAD,
    ActiveConnection,
    Stale,
    Want,
    keeps_alive,
    read_head,
    request_bytes,
)
from co_tui.api.ranges import parse_content_range, total_from_416
from co_tui.api.redirects import REDIRECT_STATUSES, redirect_target
from co_tui.api.sink import ByteSink
from co_tui.api.splice import pipe_taker, thread_pipe
from co_tui.redact import safe_url

__all__ = [
    "CancelFlag",
    "Connection",
    "DownloadCancelled",
    "DownloadResult",
    "FallbackNeeded",
    "PartRefused",
    "Want",
    "download_blocking",
    "download_in_thread",
    "run_transfer",
    "transfer_executor",
]

T = TypeVar("T")

_WHOLE = Want()
"""The whole body from its start."""
BUFFER_BYTES = 1 << 20
_KEPT_BUFFERS = 8
"""Receive buffers kept for the next transfers (one per default transfer slot): a fresh 1 MiB
buffer per file cost its allocation, zero-filling and page faults every time."""
_buffers: list[bytearray] = []
_buffers_lock = threading.Lock()
_ERROR_BODY = 64 * 1024
_THREADS = 32
"""Transfer threads of the process: their own pool, so long transfers never hold up the file
system work that ``asyncio.to_thread`` runs on the loop's small default executor."""


class FallbackNeeded(Exception):
    """The response uses HTTP features this fast path does not implement; use httpx instead."""


class DownloadCancelled(Exception):
    """The download was cancelled through its ``cancel`` flag."""


class CancelFlag:
    """A transfer's stop request: set from any thread, checked by the transfer thread between
    reads. Nothing ever waits on it, so it is a plain attribute rather than a
    ``threading.Event``, whose lock and condition cost the event loop about 5 us to create, for
    every file of a 1,000-file download."""

    __slots__ = ("_set",)

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        """Ask the transfer to stop (it stops at its next check)."""
        self._set = True

    def is_set(self) -> bool:
        """Whether :meth:`set` was called."""
        return self._set


class PartRefused(Exception):
    """A bounded part (``end`` given) came back as something else: a ``200`` (the server
    ignores ``Range``, or ``If-Range`` said the file changed) or another version's ETag. Nothing
    was written."""

    def __init__(self, status: int, etag: str | None) -> None:
        super().__init__(status)
        self.status = status
        self.etag = etag


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


def download_blocking(
    url: str,
    sink: ByteSink,
    *,
    pool: ConnectionPool,
    want: Want = _WHOLE,
    connect_timeout: float = 10.0,
    idle_timeout: float = 60.0,
    cancel: CancelFlag | None = None,
    progress: Callable[[int], None] | None = None,
    active: ActiveConnection | None = None,
    on_head: Callable[[int, str | None], None] | None = None,
    buffer_bytes: int = BUFFER_BYTES,
    size: int | None = None,
) -> DownloadResult:
    """GET ``url`` (what ``want`` says) and hand its body to ``sink``; run it in a worker thread.

    ``size`` is the file's listed size, when known: the file never grows past it (see the
    module docstring), and a body without a length that ends short of it is a broken
    connection. ``idle_timeout`` bounds the wait for each read of the socket.

    ``progress`` is called with the running count of bytes written (cheaply: the caller should
    sample it on a timer, not redraw per call); ``on_head(status, etag)`` once the answer's
    headers passed every check, before its body. ``cancel`` stops the transfer at the next
    buffer; ``active`` lets another thread cut the connection at once.
    Redirects are followed under the shared rule (a refused one raises
    :class:`~co_tui.api.redirects.RedirectError`).
    Raises :class:`~co_tui.api.errors.ApiError` subclasses (HTTP errors, timeouts, a body cut
    short), :class:`DownloadCancelled`, :class:`PartRefused` or :class:`FallbackNeeded`.
    """
    current = url
    followed = 0
    while True:
        try:
            return _download_once(current, sink, pool, want, connect_timeout, idle_timeout,
                                  cancel, progress, active, on_head, buffer_bytes, size)
        except _Redirected as hop:
            current = redirect_target(url, current, hop.status, hop.location, followed,
                                      operation="download_file")
            followed += 1


def _download_once(
    url: str,
    sink: ByteSink,
    pool: ConnectionPool,
    want: Want,
    connect_timeout: float,
    idle_timeout: float,
    cancel: CancelFlag | None,
    progress: Callable[[int], None] | None,
    active: ActiveConnection | None,
    on_head: Callable[[int, str | None], None] | None,
    buffer_bytes: int,
    size: int | None,
) -> DownloadResult:
    """One request of :func:`download_blocking` (raises :class:`_Redirected` for a redirect);
    a kept-alive socket the server had closed is replaced once by a new one."""
    shown = safe_url(url)
    parts = urllib.parse.urlsplit(url)
    origin = origin_of(parts)
    request = request_bytes(parts, want)
    buffer = _take_buffer(max(buffer_bytes, MAX_HEAD))
    try:
        for _ in range(2):
            try:
                conn, reused = pool.acquire(origin, connect_timeout)
            except TimeoutError as exc:
                raise ApiTimeoutError("timed out connecting", operation="download_file",
                                      url=shown) from exc
            except OSError as exc:
                raise ApiConnectionError(f"connection failed: {exc.strerror or exc}",
                                         operation="download_file", url=shown) from exc
            if active is not None:
                active.set(conn)
            reusable = False
            try:
                if cancel is not None and cancel.is_set():
                    raise DownloadCancelled()
                conn.set_timeout(idle_timeout)
                conn.requests += 1
                result, reusable = _transfer(conn, request, sink, want, reused, cancel, progress,
                                             on_head, buffer_bytes, shown, size, buffer)
                return result
            except Stale:
                continue
            except _Redirected:
                reusable = True
                raise
            except TIMED_OUT as exc:
                raise ApiTimeoutError(stalled_message(idle_timeout), operation="download_file",
                                      url=shown) from exc
            except OSError as exc:
                if cancel is not None and cancel.is_set():
                    raise DownloadCancelled() from exc
                raise ApiConnectionError(f"connection failed: {exc.strerror or exc}",
                                         operation="download_file", url=shown) from exc
            finally:
                if active is not None:
                    active.set(None)
                pool.release(conn, reusable)
        raise ApiConnectionError("the server closed the connection before answering",
                                 operation="download_file", url=shown)
    finally:
        _give_back(buffer)


def _take_buffer(size: int) -> bytearray:
    """A receive buffer of ``size`` bytes: a kept one when there is one of that size."""
    with _buffers_lock:
        for index in range(len(_buffers) - 1, -1, -1):
            if len(_buffers[index]) == size:
                return _buffers.pop(index)
    return bytearray(size)


def _give_back(buffer: bytearray) -> None:
    """Keep ``buffer`` for a later transfer (at most :data:`_KEPT_BUFFERS` are kept)."""
    with _buffers_lock:
        if len(_buffers) < _KEPT_BUFFERS:
            _buffers.append(buffer)


def _transfer(
    conn: Connection,
    request: bytes,
    sink: ByteSink,
    want: Want,
    reused: bool,
    cancel: CancelFlag | None,
    progress: Callable[[int], None] | None,
    on_head: Callable[[int, str | None], None] | None,
    buffer_bytes: int,
    shown: str,
    size: int | None,
    buffer: bytearray,
) -> tuple[DownloadResult, bool]:
    """One exchange on ``conn``, read into ``buffer``: the result, and whether the socket may
    carry another."""
    sock = conn.sock
    view = memoryview(buffer)
    head, body_start, filled = read_head(conn, request, buffer, reused, shown)
    headers = head.headers
    alive = keeps_alive(head)
    if "transfer-encoding" in headers or "content-encoding" in headers:
        raise FallbackNeeded(headers.get("transfer-encoding") or headers.get("content-encoding"))
    length_text = headers.get("content-length")
    length = int(length_text) if length_text and length_text.isdigit() else None

    if head.status not in (200, 206):
        body = bytes(buffer[body_start:filled])
        while len(body) < min(length if length is not None else _ERROR_BODY, _ERROR_BODY):
            chunk = sock.recv(_ERROR_BODY - len(body))
            if not chunk:
                break
            body += chunk
        kept = alive and length is not None and len(body) == length
        if head.status in REDIRECT_STATUSES:
            if not kept:
                conn.close()
            raise _Redirected(head.status, headers.get("location"))
        if head.status == 416 and (want.offset > 0 or want.end is not None):
            return DownloadResult(416, want.offset, total_from_416(headers.get("content-range")),
                                  headers.get("etag"), headers.get("last-modified"), 0), kept
        response = httpx.Response(head.status, headers=headers.pairs, content=body,
                                  request=httpx.Request("GET", shown))
        raise build_error(operation="download_file", response=response, url=shown)

    etag = headers.get("etag")
    bounded = want.end is not None
    if bounded and (head.status != 206 or (want.etag is not None and etag != want.etag)):
        raise PartRefused(head.status, etag)
    start, total = 0, length
    if head.status == 206:
        parsed = parse_content_range(headers.get("content-range"))
        if parsed is None or parsed[0] != want.offset or (bounded and parsed[1] != want.end):
            raise ApiConnectionError("206 response with a missing or wrong Content-Range",
                                     url=shown, operation="download_file")
        start, total = parsed[0], parsed[2]
    # ``limit``: the most body bytes that may be written. With a length, HTTP ends the body
    # there (anything after it is not part of the answer); without one, the listed size is the
    # limit and one more byte means the server is sending too much.
    limit = length
    if size is not None and want.end is not None:
        limit = check_part(size, start, want.end, total, length, shown)
    elif size is not None:
        allowed = check_announced(size, start, total, length, shown)
        limit = allowed if length is None else length
    if on_head is not None:
        on_head(head.status, etag)
    written = 0
    pending = view[body_start:filled]
    if limit is not None and len(pending) > limit:
        if length is None:
            raise too_large(size or 0, None, shown)
        pending = pending[:limit]
        alive = False  # bytes after the body: not a socket to reuse
    taker = pipe_taker(sink) if conn.kernel_timeouts and splice.usable() else None
    pipe = thread_pipe() if taker is not None else None
    while True:
        if pending:
            sink.write(pending)
            written += len(pending)
            pending = view[:0]
            if progress is not None:
                progress(written)
        if length is not None and written >= length:
            break
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled()
        want_bytes = buffer_bytes if limit is None else max(1, min(buffer_bytes, limit - written))
        if pipe is None:
            n = sock.recv_into(view[:want_bytes])
        else:
            try:
                n = pipe.fill(sock.fileno(), want_bytes)
            except splice.Refused:  # nothing was read: read it instead
                pipe = None
                continue
        if n == 0:
            alive = False
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
        if pipe is None or taker is None:
            pending = view[:n]
        else:  # the bytes are in the pipe: straight on to the sink
            pipe.drain(taker, n)
            written += n
            if progress is not None:
                progress(written)
    result = DownloadResult(head.status, start, total, etag, headers.get("last-modified"),
                            written)
    return result, alive and length is not None


@functools.cache
def transfer_executor() -> concurrent.futures.ThreadPoolExecutor:
    """The process's transfer threads (see :data:`_THREADS`)."""
    return concurrent.futures.ThreadPoolExecutor(_THREADS, thread_name_prefix="co-tui-download")


async def run_transfer(call: Callable[[], T], cancel: CancelFlag, active: ActiveConnection,
                       *, kept: Callable[[T], bool] | None = None) -> T:
    """``call`` (a transfer using ``cancel`` and ``active``) in a transfer thread.

    Cancelling the awaiting task stops it promptly: ``cancel`` is set and the connection in use
    is shut down, then the thread is awaited, so nothing it does outlives the cancel. When
    ``kept`` says the thread's result must stand all the same (a file already in place must not
    be reported as cancelled), that result is returned instead of the cancellation."""
    job = asyncio.get_running_loop().run_in_executor(transfer_executor(), call)
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        cancel.set()
        active.cancel()
        try:
            result = await job
        except BaseException:
            raise asyncio.CancelledError() from None
        if kept is not None and kept(result):
            return result
        raise


async def download_in_thread(
    url: str,
    sink: ByteSink,
    *,
    pool: ConnectionPool,
    want: Want,
    progress: Callable[[int], None] | None,
    size: int | None,
    connect_timeout: float,
    idle_timeout: float,
    on_head: Callable[[int, str | None], None] | None = None,
) -> DownloadResult:
    """:func:`download_blocking` in a transfer thread (:func:`run_transfer`: cancelling the
    awaiting task stops the transfer promptly)."""
    cancel = CancelFlag()
    active = ActiveConnection()
    call = functools.partial(
        download_blocking, url, sink, pool=pool, want=want, connect_timeout=connect_timeout,
        idle_timeout=idle_timeout, cancel=cancel, progress=progress, active=active,
        on_head=on_head, size=size,
    )
    return await run_transfer(call, cancel, active)
