"""Many files as ONE zip archive, built locally while the bytes stream in.

Members are written in order with :mod:`zipfile`'s streaming writer (stored, not compressed:
scientific data rarely shrinks and ``deflate`` would cap throughput at one core's speed; ZIP64
whenever a member may pass 2 GiB, and for the central directory past 65,535 entries). No member is
ever held in memory:

* a member larger than :data:`STAGE_MAX_BYTES` streams from its signed URL straight into the
  archive (a broken transfer resumes at the same byte when the server's ETag allows it);
* smaller members are prefetched a few ahead, in parallel, into hidden temp files next to the
  archive and copied in when their turn comes, so many small files do not pay one round trip
  each in sequence;
* a member in the capsule's ``/data`` mount is copied from there.

The archive is written to ``.co-tui-<hash>.zip.part`` and published like a file (the existing-file
policy applies to its name). An archive is never resumed: on failure or cancel the temp archive
and every staged member are removed.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from co_tui.api.fast_download import CancelFlag
from co_tui.transfer.download_model import ExistingPolicy, RemoteFile
from co_tui.transfer.failures import SizeMismatchError
from co_tui.transfer.fetch import FdSink, Fetcher, StreamSink
from co_tui.transfer.filejob import FileOutcome, finish_uncancelled, new_temp, run_blocking
from co_tui.transfer.local import copy_local
from co_tui.transfer.local_names import temp_name
from co_tui.transfer.localfs import (
    DirHandle,
    create_temp,
    exists,
    open_folder,
    remove_quietly,
    translate_os_error,
)

__all__ = ["STAGE_MAX_BYTES", "ZipJob", "ZipMember", "run_zip_job"]

STAGE_MAX_BYTES = 16 * 1024 * 1024
"""Members up to this size are prefetched in parallel; bigger ones stream in directly."""


@dataclass(frozen=True)
class ZipMember:
    """One file of the archive: where it comes from and its (validated) name inside the zip."""

    remote: RemoteFile
    entry: str
    local_source: Path | None = None


@dataclass(eq=False)
class ZipJob:
    """An archive to build at ``root/name``; ``slots`` bounds the transfers in flight."""

    fetcher: Fetcher
    members: list[ZipMember]
    root: str
    name: str
    policy: ExistingPolicy
    slots: asyncio.Semaphore
    prefetch: int = 3
    cancel: CancelFlag = field(default_factory=CancelFlag)
    finished_bytes: int = 0
    current: int = 0
    """Index of the member being written (for the UI's "file 12 of 1,000")."""
    _inflight: dict[int, int] = field(default_factory=dict)

    def reset(self) -> None:
        """Make the job ready to run again (retry builds the archive from the start)."""
        self.cancel = CancelFlag()
        self.finished_bytes = 0
        self.current = 0
        self._inflight.clear()

    def done_bytes(self) -> int:
        """Bytes of members written plus bytes of members in flight (read by the UI)."""
        return self.finished_bytes + sum(list(self._inflight.values()))

    def _reporter(self, index: int) -> Callable[[int], None]:
        def report(n: int) -> None:
            self._inflight[index] = n

        return report


def _entry_info(member: ZipMember) -> tuple[zipfile.ZipInfo, bool]:
    info = zipfile.ZipInfo(member.entry, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--: never an executable bit
    size = member.remote.size
    if size is None:
        return info, True
    info.file_size = size  # zipfile picks ZIP64 from this when the member may pass 2 GiB
    return info, False


class _Archive:
    """The zip being written and its temp file; all calls block (run them in a thread)."""

    def __init__(self, folder: DirHandle, temp: str) -> None:
        self.folder = folder
        self.temp = temp
        self.fd = create_temp(folder, temp)
        self.file: BinaryIO = os.fdopen(os.dup(self.fd), "w+b")
        self.zip = zipfile.ZipFile(self.file, "w", zipfile.ZIP_STORED, allowZip64=True)

    def open_entry(self, member: ZipMember) -> BinaryIO:
        """A new member being written (ZIP64 when it may pass 2 GiB or its size is unknown)."""
        info, force = _entry_info(member)
        return self.zip.open(info, "w", force_zip64=force)  # type: ignore[return-value]

    def add_file(self, member: ZipMember, fd: int) -> int:
        """Copy an already fetched file (from its start) into a new entry."""
        os.lseek(fd, 0, os.SEEK_SET)
        with self.open_entry(member) as entry, os.fdopen(os.dup(fd), "rb") as src:
            before = src.tell()
            shutil.copyfileobj(src, entry, 1 << 20)
            return src.tell() - before

    def close(self) -> None:
        """Write the central directory and close the archive (the temp fd stays open)."""
        self.zip.close()
        self.file.close()

    def abandon(self) -> None:
        """Give up on a broken archive: close everything and remove the temp file."""
        try:
            self.zip.fp = None  # do not write a central directory for a broken archive
            self.file.close()
        except OSError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass
        remove_quietly(self.folder, self.temp)


async def _stage(job: ZipJob, folder: DirHandle, index: int, name: str) -> int:
    """Prefetch member ``index`` into the temp file ``name``; return its open descriptor."""
    member = job.members[index]
    async with job.slots:
        url = await job.fetcher.signed_url(member.remote.path)
        fd = await new_temp(folder, name)
        try:
            await job.fetcher.transfer(member.remote, url, FdSink(fd),
                                       report=job._reporter(index), label=member.entry)
        except BaseException:
            os.close(fd)
            remove_quietly(folder, name)
            raise
    return fd


async def _stream(job: ZipJob, archive: _Archive, index: int) -> int:
    """Write member ``index`` straight into the archive; return its size."""
    member = job.members[index]
    report = job._reporter(index)
    entry = await asyncio.to_thread(archive.open_entry, member)
    # On failure the entry is left open: the whole archive is abandoned, and closing the entry
    # would write to a disk that may be full.
    if member.local_source is not None:
        source = member.local_source
        size = await run_blocking(
            lambda: copy_local(source, entry, progress=report, cancel=job.cancel), job.cancel
        )
    else:
        async with job.slots:
            url = await job.fetcher.signed_url(member.remote.path)
            # hearing the first answer's ETag lets a broken stream resume at the same byte
            size = await job.fetcher.transfer(member.remote, url, StreamSink(entry),
                                              report=report, label=member.entry,
                                              on_etag=_ignore)
    await asyncio.to_thread(entry.close)
    return size


def _ignore(etag: str | None) -> None:
    """An archive member keeps no sidecar: only the stream itself needs the ETag."""


async def _add_staged(job: ZipJob, archive: _Archive, index: int,
                      task: asyncio.Task[int]) -> int:
    """Copy a prefetched member into the archive. The staged file stays listed in the caller's
    ``staged`` until this returns, so whatever happens the caller's cleanup finds it."""
    fd = await task
    return await asyncio.to_thread(archive.add_file, job.members[index], fd)


def _drop_staged(folder: DirHandle, task: asyncio.Task[int], name: str) -> None:
    """Close and remove a prefetched member whose task finished well."""
    if task.done() and not task.cancelled() and task.exception() is None:
        os.close(task.result())
        remove_quietly(folder, name)


async def run_zip_job(job: ZipJob) -> FileOutcome:
    """Build the archive and publish it; errors are ApiErrors, cancel removes every temp."""
    folder = await asyncio.to_thread(open_folder, job.root, ())
    target = Path(folder.path, job.name)
    staged: dict[int, tuple[asyncio.Task[int], str]] = {}
    archive: _Archive | None = None
    try:
        if job.policy is ExistingPolicy.SKIP and await asyncio.to_thread(exists, folder, job.name):
            return FileOutcome(True, target)
        key = f"{job.fetcher.asset_id}\0{job.name}\0{secrets.token_hex(8)}"
        archive = await asyncio.to_thread(_Archive, folder, temp_name(key, ".zip.part"))
        members = job.members
        for index, member in enumerate(members):
            job.current = index
            for ahead in range(index, min(len(members), index + job.prefetch + 1)):
                other = members[ahead]
                small = other.remote.size is not None and other.remote.size <= STAGE_MAX_BYTES
                if ahead not in staged and small and other.local_source is None:
                    name = temp_name(f"{key}\0{ahead}")
                    staged[ahead] = (asyncio.ensure_future(_stage(job, folder, ahead, name)), name)
            if index in staged:
                size = await _add_staged(job, archive, index, staged[index][0])
                _drop_staged(folder, *staged.pop(index))
            else:
                size = await _stream(job, archive, index)
            if member.remote.size is not None and size != member.remote.size:
                raise SizeMismatchError(f"{member.entry}: wrote {size:,} bytes, "
                                        f"expected {member.remote.size:,}")
            job._inflight.pop(index, None)
            job.finished_bytes += size
        await asyncio.to_thread(archive.close)
        done = archive
        archive = None
        final = await finish_uncancelled(folder, done.fd, done.temp, None, job.name, job.policy)
        if final is None:
            return FileOutcome(True, target)
        return FileOutcome(False, Path(folder.path, final), job.finished_bytes)
    except OSError as exc:
        raise translate_os_error(exc, job.name) from exc
    finally:
        for task, _ in staged.values():
            task.cancel()
        if staged:
            await asyncio.wait([task for task, _ in staged.values()])
        for task, name in staged.values():
            _drop_staged(folder, task, name)
        if archive is not None:
            archive.abandon()
        folder.close()
