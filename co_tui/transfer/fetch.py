"""Moving one remote file's bytes into a local sink, and checking what arrived.

The bytes come from the signed-file service (``client.files``): it fetches the signed URL once
more after a 403, retries broken transfers and resumes them with ``Range`` + ``If-Range`` (see
:meth:`co_tui.api.files.SignedFiles.fetch_into`); a big file going into a temp file comes in
parallel byte ranges over several connections (:mod:`co_tui.api.ranged`). Here live the
sinks (a temp file's descriptor, a zip entry), the probe that decides whether a temp file may be
resumed, and the final check of the total against the listing's size and the server's.

The listing's size is also a ceiling while the bytes arrive: a server announcing more, or
sending on past it, fails the file at once with "the server sent more than the listed size"
(never retried: it would only send the same again), and nothing beyond that size reaches the
sink. A body that stalls fails after the read timeout and is retried and resumed like any broken
transfer. Everything local that fails is mapped to a transfer error (disk full, permissions);
nothing here knows about queues or the UI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from co_tui.api.body_limits import BodySizeError
from co_tui.api.fast_download import CancelFlag, DownloadResult, PartRefused
from co_tui.api.files import FirstAttemptFailed, ResumeError, download_link
from co_tui.api.http1 import ActiveConnection
from co_tui.api.models import FileURLs
from co_tui.api.ranged import RANGED_MIN_BYTES, fetch_ranged
from co_tui.api.retry import Sleep
from co_tui.transfer.download_model import RemoteFile
from co_tui.transfer.failures import SizeMismatchError, TransferError
from co_tui.transfer.localfs import translate_os_error, write_all, write_from_pipe

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["FdSink", "Fetcher", "Probe", "StreamSink"]

class FdSink:
    """A temp file's descriptor as a download sink: its size is what is safely written."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, data: bytes | memoryview, /) -> None:
        """Append ``data`` at the descriptor's position (all of it)."""
        write_all(self.fd, data)

    def take_from_pipe(self, pipe: int, count: int, /) -> None:
        """Append ``count`` bytes waiting in ``pipe`` (see :mod:`co_tui.api.splice`)."""
        write_from_pipe(pipe, self.fd, count)

    def write_at(self, data: bytes | memoryview, offset: int, /) -> None:
        """Write all of ``data`` at ``offset`` (parallel ranges; the position is not used)."""
        view = memoryview(data)
        while view:
            done = os.pwrite(self.fd, view, offset)
            view = view[done:]
            offset += done

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
        return await self.client.files.signed_url(self.asset_id, path)

    def signed_url_later(self, path: str, active: ActiveConnection | None = None
                         ) -> Callable[[], str | None]:
        """One quick attempt at a signed URL, sent now in the calling thread; the returned
        call reads the URL there, or ``None`` (then :meth:`signed_url`)."""
        return self.client.files.signed_url_later(self.asset_id, path, active)

    async def probe(self, remote: RemoteFile, url: str, offset: int) -> tuple[Probe, str]:
        """Read the byte before ``offset`` (or the first): ETag, size and that byte.

        Returns the probe and the URL that worked (refetched once after a 403).
        """
        start = max(0, offset - 1)
        read, urls = await self.client.files.read_file(
            self.asset_id, remote.path, start, 1, urls=FileURLs(download_url=url)
        )
        return Probe(read.etag, read.total_size, read.data[:1]), download_link(urls)

    def ranged(self, remote: RemoteFile, offset: int = 0) -> bool:
        """Whether :meth:`transfer` into a temp file fetches ``remote`` from ``offset`` in
        parallel byte ranges (a big file on this process's own sockets)."""
        return (self.client.files.sockets and remote.size is not None
                and remote.size - offset >= RANGED_MIN_BYTES)

    def transfer_once_blocking(self, remote: RemoteFile, url: str, sink: FdSink, *,
                               report: Callable[[int], None] | None, cancel: CancelFlag,
                               active: ActiveConnection, label: str = ""
                               ) -> int | FirstAttemptFailed:
        """The first attempt of :meth:`transfer` from byte 0, in the calling transfer thread
        (:meth:`co_tui.api.files.SignedFiles.fetch_once_blocking`): the size written, or how the
        attempt failed, for :meth:`transfer` (``first``) to go on from with a new sink."""
        what = label or remote.rel
        if report is not None:
            report(0)
        try:
            result = self.client.files.fetch_once_blocking(url, sink, size=remote.size,
                                                           progress=report, cancel=cancel,
                                                           active=active)
        except BodySizeError as exc:
            raise SizeMismatchError(f"{what}: {exc.message}") from exc
        except OSError as exc:
            raise translate_os_error(exc, what) from exc
        if isinstance(result, FirstAttemptFailed):
            return result
        return self._checked(remote, result, what)

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
        first: FirstAttemptFailed | None = None,
    ) -> int:
        """Write ``remote`` from ``offset`` into ``sink`` until complete; return its size.

        ``report`` gets the running byte count (from a worker thread: keep it a plain store).
        ``on_etag`` hears the validator whenever a restart from 0 brings a new one. ``first``:
        how :meth:`transfer_once_blocking`'s attempt at this file failed.
        """
        what = label or remote.rel
        size = remote.size
        if (isinstance(sink, FdSink) and first is None and size is not None
                and self.ranged(remote, offset)):
            try:
                await fetch_ranged(self.client, self.asset_id, remote.path, url, sink,
                                   size=size, offset=offset, etag=etag, report=report,
                                   on_etag=on_etag, attempts=self._attempts, sleep=self._sleep)
                return size
            except PartRefused:
                offset, etag = 0, None  # no ranges, or another version: one stream from 0
            except BodySizeError as exc:
                raise SizeMismatchError(f"{what}: {exc.message}") from exc
            except OSError as exc:
                raise translate_os_error(exc, what) from exc
        try:
            result = await self.client.files.fetch_into(
                self.asset_id, remote.path, url, sink, offset=offset, etag=etag,
                size=remote.size, report=report, on_etag=on_etag, attempts=self._attempts,
                sleep=self._sleep, first=first,
            )
        except BodySizeError as exc:
            raise SizeMismatchError(f"{what}: {exc.message}") from exc
        except ResumeError as exc:
            if exc.reason == "changing":
                raise SizeMismatchError(f"{what} kept changing on the server") from exc
            raise SizeMismatchError(f"the server could not resume {what}") from exc
        except OSError as exc:
            raise translate_os_error(exc, what) from exc
        if result.status == 416:
            return result.offset  # it was all there already
        return self._checked(remote, result, what)

    @staticmethod
    def _checked(remote: RemoteFile, result: DownloadResult, what: str) -> int:
        """The file's size once the bytes that came agree with the listing and the server."""
        got = result.offset + result.written
        expected = remote.size if remote.size is not None else result.total_size
        if (expected is not None and got != expected) or (
            result.total_size is not None and got != result.total_size
        ):
            raise SizeMismatchError(
                f"{what}: received {got:,} bytes, expected {expected or result.total_size:,}"
            )
        return got
