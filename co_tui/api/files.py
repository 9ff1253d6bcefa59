"""The signed-file service: everything between "this file of this asset" and its bytes.

``client.files`` fetches a file's signed URLs, fetches them again when the storage answers 403
(the signature expired), retries broken reads under the client's policy, reads byte ranges for
previews, and streams a body into a sink (:class:`~co_tui.api.sink.ByteSink`) with resume. It
never opens or writes a file: the transfer layer hands it a sink and keeps temp files, renames
and the final size check. Signed URLs go through the client's second httpx client (no auth, no
cookies; :mod:`co_tui.api.http_stream`) or, on real sockets, through the socket reader of
:mod:`co_tui.api.fast_download`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import httpx

from co_tui.api.body_limits import BodySizeError
from co_tui.api.conn_pool import ConnectionPool
from co_tui.api.errors import (
    ApiError,
    ApiTimeoutError,
    PermissionDeniedError,
    build_error,
    request_never_sent,
)
from co_tui.api.fast_download import (
    CancelFlag,
    DownloadCancelled,
    DownloadResult,
    FallbackNeeded,
    Want,
    download_blocking,
    download_in_thread,
)
from co_tui.api.http1 import ActiveConnection
from co_tui.api.http_stream import (
    SOCKET_READ_BYTES,
    FileStream,
    body_sizes,
    download_with_httpx,
    get_following,
    open_stream,
    raise_socket_read_size,
)
from co_tui.api.models import FileURLs
from co_tui.api.ranges import total_from_416
from co_tui.api.retry import OpKind, Sleep
from co_tui.api.sink import ByteSink, GuardedSink, ResumableSink
from co_tui.redact import safe_url

log = logging.getLogger("co_tui.api.files")

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "SOCKET_READ_BYTES",
    "BodySizeError",
    "ByteSink",
    "DownloadCancelled",
    "DownloadResult",
    "FileStream",
    "FirstAttemptFailed",
    "RangeRead",
    "ResumableSink",
    "ResumeError",
    "SignedFiles",
    "download_link",
    "raise_socket_read_size",
]

T = TypeVar("T")

PREVIEW_BYTES = 256 * 1024
"""The most a preview reads (docs/reliability.md, 'Preview limits')."""

def download_link(urls: FileURLs) -> str:
    """The URL that serves the raw file: ``download_url``, else ``view_url`` (which may answer
    a browser viewer page, so it is only the fallback)."""
    return urls.download_url or urls.view_url


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


class ResumeError(ApiError):
    """A resumed download could not be brought to a consistent end: the server kept refusing
    the range (``reason`` "unresumable") or the file kept changing ("changing")."""

    def __init__(self, reason: str, *, url: str = "") -> None:
        super().__init__(f"download could not be resumed ({reason})", operation="download_file",
                         url=url)
        self.reason = reason


@dataclass(frozen=True)
class FirstAttemptFailed:
    """How :meth:`SignedFiles.fetch_once_blocking`'s attempt failed, for
    :meth:`SignedFiles.fetch_into` to go on from: the ``ApiError`` it ended with, or
    ``via_httpx`` (an answer only httpx reads); neither when no attempt was made."""

    error: ApiError | None
    via_httpx: bool = False


class SignedFiles:
    """``client.files``: signed URLs, byte ranges and streams of data asset files."""

    def __init__(
        self, client: CodeOceanClient, http: httpx.AsyncClient, *, sockets: bool = True
    ) -> None:
        raise_socket_read_size()
        self._client = client
        self._http = http
        self.sockets = sockets
        """Whether bytes move over this process's own sockets (not an injected transport)."""
        self.pool = ConnectionPool()
        """Kept-alive connections of the socket reader (closed with the client)."""

    # --- signed URLs ----------------------------------------------------------------------------

    async def file_urls(self, asset_id: str, path: str) -> FileURLs:
        """Fresh signed URLs for ``path`` of the asset (they expire: fetch just before use)."""
        return await self._client.data_assets.get_data_asset_file_urls(asset_id, path)

    async def signed_url(self, asset_id: str, path: str) -> str:
        """A fresh signed URL serving the raw bytes of ``path`` (:func:`download_link`)."""
        return download_link(await self.file_urls(asset_id, path))

    def signed_url_later(self, asset_id: str, path: str, active: ActiveConnection | None = None
                         ) -> Callable[[], str | None]:
        """:meth:`signed_url`'s one quick attempt, sent now in the calling thread; the
        returned call reads it there (:meth:`DataAssets.file_urls_later`): the URL, or
        ``None`` when that attempt could not give it (then ask :meth:`signed_url`)."""
        read = self._client.data_assets.file_urls_later(asset_id, path, active)

        def url() -> str | None:
            urls = read()
            return (download_link(urls) or None) if urls is not None else None

        return url

    async def with_fresh_urls(
        self,
        asset_id: str,
        path: str,
        use: Callable[[FileURLs], Awaitable[T]],
        *,
        urls: FileURLs | None = None,
    ) -> tuple[T, FileURLs]:
        """``use(urls)`` with ``urls`` (fetched when None); when the storage answers 403 (the
        signature expired), fresh URLs are fetched once and ``use`` is called again. Returns
        its result and the URLs that worked."""
        if urls is None:
            urls = await self.file_urls(asset_id, path)
        try:
            return await use(urls), urls
        except PermissionDeniedError:
            urls = await self.file_urls(asset_id, path)
            return await use(urls), urls

    async def read_file(
        self,
        asset_id: str,
        path: str,
        start: int = 0,
        length: int = PREVIEW_BYTES,
        *,
        urls: FileURLs | None = None,
    ) -> tuple[RangeRead, FileURLs]:
        """:meth:`read_range` of ``path`` through its signed :func:`download_link`, with fresh
        URLs once after a 403 (:meth:`with_fresh_urls`)."""

        async def read(current: FileURLs) -> RangeRead:
            return await self.read_range(download_link(current), start, length)

        return await self.with_fresh_urls(asset_id, path, read, urls=urls)

    # --- reading a range ------------------------------------------------------------------------

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
                        await self._client.retrier.backoff_or_raise(
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
            async with get_following(self._http, url, headers, "read_file") as response:
                if response.status_code == 416:
                    total = total_from_416(response.headers.get("Content-Range"))
                    return RangeRead(b"", start, total, None)
                if response.status_code not in (200, 206):
                    await response.aread()
                    raise build_error(operation="read_file", response=response, url=url)
                offset, total = body_sizes(response, start)
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

    # --- streaming into a sink -------------------------------------------------------------------

    async def download(
        self,
        url: str,
        sink: ByteSink,
        *,
        offset: int = 0,
        if_range: str | None = None,
        progress: Callable[[int], None] | None = None,
        size: int | None = None,
        on_head: Callable[[int, str | None], None] | None = None,
        httpx_only: bool = False,
    ) -> DownloadResult:
        """Hand the body of ``url`` (from ``offset``) to ``sink``, piece by piece, in order.

        ``size`` is the file's listed size, when known. The sink never gets more than that: a
        ``Content-Length`` or ``Content-Range`` that disagrees is refused before a byte is
        passed on, and a body that runs on is cut there; both raise :class:`BodySizeError`. A
        body with no length that ends short of it is a broken connection (resumable). A body
        that stops arriving fails after the read timeout
        (:attr:`~co_tui.api.retry.DownloadTimeouts.read`) with an ``ApiTimeoutError``.

        On real sockets a worker thread moves the bytes (:mod:`co_tui.api.fast_download`,
        curl's throughput); with an injected transport (tests, the in-process emulator) or an
        unusual response it streams through httpx. Cancelling the awaiting task stops the
        transfer promptly. One attempt: :meth:`fetch_into` retries and resumes (``offset`` +
        ``if_range``; check ``DownloadResult.offset``, which is 0 when the file changed).
        ``on_head(status, etag)`` hears the answer's headers before its body. ``httpx_only``: the
        socket reader already found this URL's answer unreadable.
        """
        log.debug("download %s from byte %d", safe_url(url), offset)
        if self.sockets and not httpx_only:
            try:
                timeouts = self._client.download_timeouts
                return await download_in_thread(
                    url, sink, pool=self.pool, want=Want(offset, None, if_range),
                    progress=progress, size=size, connect_timeout=timeouts.connect,
                    idle_timeout=timeouts.read, on_head=on_head,
                )
            except FallbackNeeded:
                pass
        return await download_with_httpx(
            self._http, url, sink, offset=offset, if_range=if_range, progress=progress,
            size=size, read_timeout=self._client.download_timeouts.read, on_head=on_head,
        )

    def fetch_once_blocking(
        self,
        url: str,
        sink: ByteSink,
        *,
        size: int | None,
        progress: Callable[[int], None] | None,
        cancel: CancelFlag,
        active: ActiveConnection,
    ) -> DownloadResult | FirstAttemptFailed:
        """The first attempt of :meth:`fetch_into` from byte 0, in the calling thread (a
        transfer thread: see :func:`~co_tui.api.fast_download.run_transfer`).

        For a caller that does the rest of a small file's work in the same thread, so that the
        file costs one thread hop. When the attempt fails with an ``ApiError`` (one
        :meth:`fetch_into` retries, fetches a fresh URL for, or reports), on an answer only
        httpx reads, or when bytes do not move over this process's sockets, it returns
        :class:`FirstAttemptFailed`: the caller throws away what ``sink`` got and hands that to
        :meth:`fetch_into` (``first``), which goes on from there as from its own first attempt.
        Raises what :meth:`fetch_into` never retries: :class:`BodySizeError`, the sink's own
        ``OSError`` and :class:`~co_tui.api.fast_download.DownloadCancelled`."""
        if not self.sockets:
            return FirstAttemptFailed(None)
        guarded = GuardedSink(sink)
        timeouts = self._client.download_timeouts
        try:
            return download_blocking(url, guarded, pool=self.pool, want=Want(),
                                     connect_timeout=timeouts.connect, idle_timeout=timeouts.read,
                                     cancel=cancel, progress=progress, active=active, size=size)
        except BodySizeError:
            raise
        except FallbackNeeded:
            return FirstAttemptFailed(None, via_httpx=True)
        except ApiError as exc:
            if guarded.failure is not None:
                raise guarded.failure from exc
            return FirstAttemptFailed(exc)

    async def fetch_into(
        self,
        asset_id: str,
        path: str,
        url: str,
        sink: ResumableSink,
        *,
        offset: int = 0,
        etag: str | None = None,
        size: int | None = None,
        report: Callable[[int], None] | None = None,
        on_etag: Callable[[str | None], None] | None = None,
        attempts: int = 4,
        sleep: Sleep = asyncio.sleep,
        first: FirstAttemptFailed | None = None,
    ) -> DownloadResult:
        """Stream ``path`` of the asset from ``offset`` into ``sink`` until the body is complete.

        ``url`` is a signed URL fetched just before; when the storage answers 403 a fresh one
        is fetched once. Broken transfers (resets, truncated bodies, timeouts, 5xx, 429) wait
        as the client's retry policy says (no shared budget: a long batch must not run out)
        and resume from ``sink.position()`` with ``If-Range: etag`` (from 0 without an
        ETag); ``attempts`` bounds them. With no ``etag`` yet but an ``on_etag``, the first
        answer's ETag is used from then on and ``on_etag`` hears it before its body is written
        (from a worker thread; without ``on_etag`` a broken transfer starts over from 0). A
        200 where a 206 was asked for means the file changed: the sink is rewound to 0 and
        ``on_etag`` hears the new validator. ``report`` gets the running position (from a
        worker thread: keep it a plain store).

        Returns the last attempt's result (a 416 when ``offset`` was already the listed
        ``size``); checking the total is the caller's. Raises :class:`BodySizeError` (the
        server sent more than ``size``), :class:`ResumeError`, the sink's own ``OSError``, or
        the ``ApiError`` that ended the retries.

        ``first``: the first attempt was :meth:`fetch_once_blocking`'s, and failed so; it counts
        as one attempt (its wait, its fresh URL after a 403), and after an answer only httpx
        reads, every attempt goes to httpx at once.
        """
        refreshed = False
        failures = 0
        pending = first.error if first is not None else None
        via_httpx = first is not None and first.via_httpx
        while True:
            if report is not None:
                report(offset)
            base = offset

            def progress(n: int, base: int = base) -> None:
                if report is not None:
                    report(base + n)

            guarded = GuardedSink(sink)
            heard: list[str | None] = []

            def head(status: int, tag: str | None, fresh: bool = not offset,
                     at: int = base, guarded: GuardedSink = guarded,
                     heard: list[str | None] = heard) -> None:
                # The sink goes back to ``at`` here, when an answer's body is about to come: on
                # the socket reader this runs in the transfer thread, and a descriptor call on
                # the event loop would wait for the GIL behind every transfer.
                try:
                    sink.rewind(at)
                except OSError as exc:
                    guarded.failure = exc
                    raise
                if fresh and status == 200 and on_etag is not None and tag:
                    heard.append(tag)
                    on_etag(tag)

            try:
                if pending is not None:  # the first attempt's failure, made elsewhere
                    failed, pending = pending, None
                    raise failed
                result = await self.download(
                    url, guarded, offset=offset, if_range=etag if offset else None,
                    progress=progress, size=size, on_head=head, httpx_only=via_httpx,
                )
            except BodySizeError:
                raise  # never retried: the server would only send the same again
            except PermissionDeniedError:
                if refreshed:
                    raise
                refreshed = True  # the signature expired: one fresh URL, then give up
                url = await self.signed_url(asset_id, path)
                continue
            except ApiError as exc:
                if guarded.failure is not None:
                    raise guarded.failure from exc
                if heard:
                    etag = heard[0]  # the bytes in the sink are of this version
                failures += 1
                delay = self._client.retry.delay_for(
                    exc, kind=OpKind.READ, attempt=failures, never_sent=False
                )
                if delay is None or failures >= attempts:
                    raise
                await sleep(delay)
                offset = sink.position() if etag else 0
                continue
            if result.status == 416:
                if size is not None and offset == size:
                    return result
                offset, etag = 0, None  # the file shrank or the range was wrong: start over
                failures += 1
                if failures >= attempts:
                    raise ResumeError("unresumable", url=safe_url(url))
                continue
            if offset and result.offset == 0:
                # If-Range did not match: the bytes that came are a new version from its start.
                offset, etag = 0, result.etag
                if on_etag is not None:
                    on_etag(etag)
                failures += 1
                if failures >= attempts:
                    raise ResumeError("changing", url=safe_url(url))
                continue
            return result

    @asynccontextmanager
    async def open_stream(
        self, url: str, *, offset: int = 0, if_range: str | None = None
    ) -> AsyncIterator[FileStream]:
        """Open a download of ``url`` from ``offset`` (Range + optional If-Range validator).

        Not retried here: the caller decides what a broken stream means. Errors are
        :class:`ApiError`\\ s; a 416 for an offset at the end of the file yields an empty stream
        at that offset.
        """
        async with open_stream(self._http, url, offset=offset, if_range=if_range,
                               read_timeout=self._client.download_timeouts.read) as stream:
            yield stream
