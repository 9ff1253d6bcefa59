"""Moving one remote file's bytes into a sink: fresh signed URLs, resume, retries, verification.

The signed URL is fetched just before the file (it expires) and fetched again once when the
storage answers 403. Broken transfers (resets, truncated bodies, timeouts, 5xx, 429) are retried
with the client's read policy and resumed with ``Range`` + ``If-Range`` when an ETag is known; a
200 where a 206 was asked for means the file changed, and the sink is rewound to 0. The total is
checked against the listing's size and the server's.

The listing's size is also a ceiling while the bytes arrive: a server announcing more, or
sending on past it, fails the file at once with "the server sent more than the listed size"
(never retried: it would only send the same again), and nothing beyond that size reaches the
sink. A body that stalls fails after the read timeout and is retried and resumed like any broken
transfer. Everything local that fails is mapped to a transfer error (disk full, permissions);
nothing here knows about queues or the UI.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from co_tui.api.body_limits import BodySizeError
from co_tui.api.errors import ApiError, PermissionDeniedError
from co_tui.api.retry import OpKind
from co_tui.transfer.errors import SizeMismatchError, TransferError
from co_tui.transfer.localfs import DISK_FULL_ERRNOS, translate_os_error
from co_tui.transfer.model import RemoteFile

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["FdSink", "Fetcher", "Probe", "StreamSink", "local_write_error"]

Sleep = Callable[[float], Awaitable[None]]


def local_write_error(exc: BaseException, what: str) -> Exception | None:
    """The transfer error hidden in ``exc`` when a *local* write failed, else None.

    The fast downloader reports every ``OSError`` of its thread as a connection failure, with
    the original chained as the cause; a full disk must not be retried as a network blip.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (
            *DISK_FULL_ERRNOS, errno.EROFS, errno.EFBIG, errno.EIO,
        ):
            return translate_os_error(current, what)
        current = current.__cause__ or current.__context__
    return None


class FdSink:
    """A temp file's descriptor as a download sink: its size is what is safely written."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @property
    def sink(self) -> int:
        """What ``client.files.download`` writes to."""
        return self.fd

    def position(self) -> int:
        """Bytes in the file now."""
        return os.fstat(self.fd).st_size

    def rewind(self, offset: int) -> None:
        """Drop everything after ``offset`` and write from there."""
        os.ftruncate(self.fd, offset)
        os.lseek(self.fd, offset, os.SEEK_SET)

    def last_byte(self, offset: int) -> bytes:
        """The byte before ``offset`` (to check a resume against the server), or b""."""
        return os.pread(self.fd, 1, offset - 1) if offset > 0 else b""


class StreamSink:
    """A write-only stream (a zip entry) as a sink: it can go on, never back."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0

    @property
    def sink(self) -> BinaryIO:
        """What ``client.files.download`` writes to (this object, counting bytes)."""
        return self  # type: ignore[return-value]

    def write(self, data: bytes | memoryview) -> int:
        """Write to the stream and count."""
        self._stream.write(data)
        self.count += len(data)
        return len(data)

    def position(self) -> int:
        """Bytes written so far."""
        return self.count

    def rewind(self, offset: int) -> None:
        """Only "carry on where we are" is possible; anything else fails the transfer."""
        if offset != self.count:
            raise TransferError("the file changed on the server while it was being archived")


Sink = FdSink | StreamSink


@dataclass(frozen=True)
class Probe:
    """What a one-byte range read said about the file before a resume."""

    etag: str | None
    total: int | None
    byte: bytes


class Fetcher:
    """Downloads the files of one asset; ``attempts`` bounds retries of a broken transfer."""

    def __init__(self, client: CodeOceanClient, asset_id: str, *, sleep: Sleep,
                 attempts: int = 4) -> None:
        self.client = client
        self.asset_id = asset_id
        self._sleep = sleep
        self._attempts = attempts

    async def signed_url(self, path: str) -> str:
        """A fresh signed download URL for ``path``."""
        urls = await self.client.data_assets.get_data_asset_file_urls(self.asset_id, path)
        return urls.download_url

    async def probe(self, remote: RemoteFile, url: str, offset: int) -> tuple[Probe, str]:
        """Read the byte before ``offset`` (or the first): ETag, size and that byte.

        Returns the probe and the URL that worked (refetched once after a 403).
        """
        start = max(0, offset - 1)
        try:
            read = await self.client.files.read_range(url, start, 1)
        except PermissionDeniedError:
            url = await self.signed_url(remote.path)
            read = await self.client.files.read_range(url, start, 1)
        return Probe(read.etag, read.total_size, read.data[:1]), url

    async def transfer(
        self,
        remote: RemoteFile,
        url: str,
        sink: Sink,
        *,
        offset: int = 0,
        etag: str | None = None,
        report: Callable[[int], None] | None = None,
        on_etag: Callable[[str | None], None] | None = None,
        label: str = "",
    ) -> int:
        """Write ``remote`` from ``offset`` into ``sink`` until complete; return its size.

        ``report`` gets the running byte count (from a worker thread: keep it a plain store).
        ``on_etag`` hears the validator whenever a restart from 0 brings a new one.
        """
        what = label or remote.rel
        refreshed = False
        failures = 0
        while True:
            sink.rewind(offset)
            if report is not None:
                report(offset)
            base = offset

            def progress(n: int, base: int = base) -> None:
                if report is not None:
                    report(base + n)

            try:
                result = await self.client.files.download(
                    url, sink.sink, offset=offset, if_range=etag if offset else None,
                    progress=progress, size=remote.size,
                )
            except BodySizeError as exc:
                raise SizeMismatchError(f"{what}: {exc.message}") from exc
            except PermissionDeniedError:
                if refreshed:
                    raise
                refreshed = True  # the signature expired: one fresh URL, then give up
                url = await self.signed_url(remote.path)
                continue
            except TransferError:
                raise
            except ApiError as exc:
                local = local_write_error(exc, what)
                if local is not None:
                    raise local from exc
                failures += 1
                delay = self.client.retry.delay_for(
                    exc, kind=OpKind.READ, attempt=failures, never_sent=False
                )
                if delay is None or failures >= self._attempts:
                    raise
                await self._sleep(delay)
                offset = sink.position() if etag else 0
                continue
            except OSError as exc:
                raise translate_os_error(exc, what) from exc
            if result.status == 416:
                if remote.size is not None and offset == remote.size:
                    return offset
                offset, etag = 0, None  # the file shrank or the range was wrong: start over
                failures += 1
                if failures >= self._attempts:
                    raise SizeMismatchError(f"the server could not resume {what}")
                continue
            if offset and result.offset == 0:
                # If-Range did not match: the bytes that came are a new version from its start.
                offset, etag = 0, result.etag
                if on_etag is not None:
                    on_etag(etag)
                failures += 1
                if failures >= self._attempts:
                    raise SizeMismatchError(f"{what} kept changing on the server")
                continue
            got = result.offset + result.written
            expected = remote.size if remote.size is not None else result.total_size
            if (expected is not None and got != expected) or (
                result.total_size is not None and got != result.total_size
            ):
                raise SizeMismatchError(
                    f"{what}: received {got:,} bytes, expected {expected or result.total_size:,}"
                )
            return got
