"""One big file fetched as byte ranges over several connections at once, as ``aria2c -x`` does.

Object stores cap what one connection carries (tens of MB/s), so a file of
:data:`RANGED_MIN_BYTES` or more is cut into chunks of :data:`CHUNK_MIN`..:data:`CHUNK_MAX`
bytes, and up to :data:`CONNECTIONS` workers fetch them, lowest first, each as one
``Range: bytes=a-b`` request on a kept-alive connection, writing at its place in the file
(:class:`PositionalSink`). The first answer's ETag pins the version: a part carrying another
ETag, or a ``200`` (``Range`` ignored, or ``If-Range`` saying the file changed), stops the
whole download with :class:`~co_tui.api.fast_download.PartRefused` before a byte of it is
written, and the caller starts over with one plain stream.

Parallel ranges pay off only where one connection is capped. Where it is not (loopback, a fast
LAN) eight streams on a small machine fight over its cores and come in *behind* one (measured on
2 cores: a 4 GiB loopback file took 5.3 s over one connection, 6.4 s over eight, 6.2 s with
``curl -o``). So one worker starts alone; after :data:`PROBE_SECONDS` the others join only if
it moved less than :data:`FAST_CONNECTION` bytes a second.

Every part is held to the listed size (:func:`~co_tui.api.body_limits.check_part`). A broken
part is retried from where it stopped under the client's retry policy; an expired signature
(403) fetches a fresh URL once, for all workers. When the download fails or is cancelled, the
file is cut back to its longest complete prefix, so a resume (``Range`` from the file's size,
checked against the ETag) never trusts a hole.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from co_tui.api.body_limits import BodySizeError
from co_tui.api.errors import ApiError, PermissionDeniedError
from co_tui.api.fast_download import DownloadResult, PartRefused, Want, download_in_thread
from co_tui.api.retry import OpKind, Sleep
from co_tui.api.sink import GuardedSink

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "CHUNK_MAX",
    "CHUNK_MIN",
    "CONNECTIONS",
    "RANGED_MIN_BYTES",
    "PositionalSink",
    "fetch_ranged",
]

RANGED_MIN_BYTES = 32 * 1024 * 1024
"""Files (the part still to fetch) at least this big are fetched in parallel ranges."""
CONNECTIONS = 8
"""Connections one ranged download uses at most (fewer when other downloads hold them)."""
CHUNK_MIN = 4 * 1024 * 1024
CHUNK_MAX = 64 * 1024 * 1024
PROBE_SECONDS = 0.3
"""How long the first worker runs alone before the others may join."""
FAST_CONNECTION = 200e6
"""Bytes a second at which one connection is fast enough on its own (object stores give one
connection tens of MB/s; loopback gives hundreds)."""


class PositionalSink(Protocol):
    """A file that takes bytes at any offset (from worker threads) and can be cut back."""

    def write_at(self, data: bytes | memoryview, offset: int, /) -> None:
        """Write all of ``data`` at ``offset``."""
        ...

    def rewind(self, offset: int) -> None:
        """Drop everything after ``offset``."""
        ...


@dataclass
class _Chunk:
    start: int
    end: int
    """Inclusive."""
    done: int = 0

    @property
    def size(self) -> int:
        return self.end - self.start + 1


class _ChunkWriter:
    """A chunk's bytes go to their place in the file; progress is summed over all chunks."""

    def __init__(self, state: _State, chunk: _Chunk) -> None:
        self._state = state
        self._chunk = chunk

    def write(self, data: bytes | memoryview, /) -> None:
        chunk = self._chunk
        self._state.sink.write_at(data, chunk.start + chunk.done)
        chunk.done += len(data)
        self._state.advance(len(data))


class _State:
    """What the workers of one ranged download share."""

    def __init__(self, sink: PositionalSink, url: str, etag: str | None, base: int,
                 report: Callable[[int], None] | None,
                 on_etag: Callable[[str | None], None] | None) -> None:
        self.sink = sink
        self.url = url
        self.etag = etag
        self.refreshed = False
        self._report = report
        self._on_etag = on_etag
        self._lock = threading.Lock()
        self._count = base

    @property
    def count(self) -> int:
        """Bytes in the file so far (from the resume offset on)."""
        with self._lock:
            return self._count

    def advance(self, n: int) -> None:
        with self._lock:
            self._count += n
            count = self._count
        if self._report is not None:
            self._report(count)

    def heard(self, status: int, etag: str | None) -> None:
        """A part's headers: the first ETag pins the version; another one stops everything."""
        with self._lock:
            first = self.etag is None
            if first:
                self.etag = etag
            pinned = self.etag
        if etag is None or etag != pinned:
            raise PartRefused(status, etag)
        if first and self._on_etag is not None:
            self._on_etag(etag)


def _chunks(offset: int, size: int, connections: int) -> list[_Chunk]:
    step = min(CHUNK_MAX, max(CHUNK_MIN, (size - offset) // (connections * 4) + 1))
    return [_Chunk(start, min(start + step, size) - 1) for start in range(offset, size, step)]


def _prefix(chunks: list[_Chunk], offset: int) -> int:
    """Bytes from 0 that are all in the file (chunk by chunk, up to the first incomplete)."""
    end = offset
    for chunk in chunks:
        end = chunk.start + chunk.done
        if chunk.done < chunk.size:
            break
    return end


async def fetch_ranged(
    client: CodeOceanClient,
    asset_id: str,
    path: str,
    url: str,
    sink: PositionalSink,
    *,
    size: int,
    offset: int = 0,
    etag: str | None = None,
    report: Callable[[int], None] | None = None,
    on_etag: Callable[[str | None], None] | None = None,
    attempts: int = 4,
    sleep: Sleep = asyncio.sleep,
    connections: int | None = None,
) -> DownloadResult:
    """Fetch ``path`` from ``offset`` to its listed ``size`` into ``sink`` in parallel ranges.

    ``etag`` is the version already in the file (a resume); without one, the first answer's
    pins it and ``on_etag`` hears it (from a worker thread). Raises
    :class:`~co_tui.api.fast_download.PartRefused` (start over with one stream),
    :class:`~co_tui.api.body_limits.BodySizeError`, the sink's ``OSError`` or the ``ApiError``
    that ended a part's retries; the file is then cut back to its complete prefix.
    ``connections`` defaults to :data:`CONNECTIONS`.
    """
    files = client.files
    wanted = CONNECTIONS if connections is None else connections
    extra = files.pool.borrow_extra(max(0, wanted - 1))
    chunks = _chunks(offset, size, 1 + extra)
    state = _State(sink, url, etag, offset, report, on_etag)
    queue = iter(chunks)

    async def worker() -> None:
        for chunk in queue:
            await _fetch_chunk(client, asset_id, path, state, chunk, size, attempts, sleep)

    workers = min(1 + extra, len(chunks))
    tasks = [asyncio.ensure_future(worker())]
    try:
        if workers > 1 and await _needs_company(state, tasks[0]):
            tasks += [asyncio.ensure_future(worker()) for _ in range(workers - 1)]
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.to_thread(sink.rewind, _prefix(chunks, offset))
        raise
    finally:
        files.pool.return_extra(extra)
    return DownloadResult(206, offset, size, state.etag, None, size - offset)


async def _needs_company(state: _State, first: asyncio.Future[None]) -> bool:
    """Let the first worker run alone for :data:`PROBE_SECONDS`: whether the others should
    join (it was slower than :data:`FAST_CONNECTION`, and is not done)."""
    loop = asyncio.get_running_loop()
    started, before = loop.time(), state.count
    await asyncio.wait([first], timeout=PROBE_SECONDS)
    if first.done():
        return False
    rate = (state.count - before) / max(loop.time() - started, 1e-6)
    return rate < FAST_CONNECTION


async def _fetch_chunk(client: CodeOceanClient, asset_id: str, path: str, state: _State,
                       chunk: _Chunk, size: int, attempts: int, sleep: Sleep) -> None:
    """One chunk, retried and resumed where it broke."""
    files, timeouts = client.files, client.download_timeouts
    failures = 0
    while chunk.done < chunk.size:
        guarded = GuardedSink(_ChunkWriter(state, chunk))
        url = state.url
        try:
            await download_in_thread(
                url, guarded, pool=files.pool,
                want=Want(chunk.start + chunk.done, chunk.end, state.etag, state.etag),
                progress=None, size=size, connect_timeout=timeouts.connect,
                idle_timeout=timeouts.read, on_head=state.heard,
            )
        except PermissionDeniedError:
            if state.url == url:  # no other worker fetched a fresh one meanwhile
                if state.refreshed:
                    raise
                state.refreshed = True  # the signature expired: one fresh URL, then give up
                state.url = await files.signed_url(asset_id, path)
            continue
        except ApiError as exc:
            if guarded.failure is not None:
                raise guarded.failure from exc
            if isinstance(exc, BodySizeError):
                raise
            failures += 1
            delay = client.retry.delay_for(exc, kind=OpKind.READ, attempt=failures,
                                           never_sent=False)
            if delay is None or failures >= attempts:
                raise
            await sleep(delay)
