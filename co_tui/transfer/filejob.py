"""One file downloaded to its own local path: temp file, resume sidecar, verify, publish.

The temp file is ``.co-tui-<hash>.part`` in the target folder (so the final rename stays on one
file system) and its name is derived from the asset, the server path and the local path, so a
later run finds it again. Files of :data:`RESUME_MIN_BYTES` or more get a sidecar
``.co-tui-<hash>.part.json`` holding the ETag and size, written as soon as the first answer
names the ETag: before resuming a kept temp file, a one-byte range read checks that the server
still has that version (same ETag, size and byte before the offset). A file with no temp file
to resume is not probed.

A small file (not resumable: under :data:`RESUME_MIN_BYTES`, in one piece, over this process's
own sockets) first goes through :func:`_direct_file`: opening the folder, the temp file, one
attempt at the bytes and publishing, all in one call to a transfer thread. The path below takes
a hop to a thread for each of those, which is most of the cost of a 1 MiB file on loopback
(bench/download_asset.py). When that attempt fails in a way the full path handles (a wait and a
retry, a fresh URL after a 403, httpx for an answer the socket reader does not read), nothing is
left behind and the full path goes on from it as from its own first attempt.

What is left behind after a failure (the "resumable by design" rule):

* kept: the temp file and sidecar of a resumable file (network source, at least
  :data:`RESUME_MIN_BYTES`, an ETag known) after a cancel or a network failure, so *retry* (or a
  later download of the same file to the same place) continues where it stopped;
* removed: everything else - small files, copies from a capsule mount, a full disk (the batch
  asks for it through ``discard_partial``), size mismatches, permission and not-found errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from co_tui.api.errors import ApiConnectionError, ApiTimeoutError, RateLimitedError, ServerError
from co_tui.api.fast_download import CancelFlag, DownloadCancelled, run_transfer
from co_tui.api.files import FirstAttemptFailed
from co_tui.api.http1 import ActiveConnection
from co_tui.transfer.download_model import ExistingPolicy, RemoteFile
from co_tui.transfer.failures import LocalFileError, SizeMismatchError
from co_tui.transfer.fetch import FdSink, Fetcher
from co_tui.transfer.local import copy_local
from co_tui.transfer.local_names import numbered_name, temp_name
from co_tui.transfer.localfs import (
    DirHandle,
    FolderCache,
    create_temp,
    exists,
    fsync_dir,
    open_folder,
    open_temp_for_resume,
    publish,
    read_sidecar,
    remove_quietly,
    translate_os_error,
    write_sidecar,
)
from co_tui.transfer.urls import UrlPrefetcher

__all__ = [
    "RESUME_MIN_BYTES",
    "FileJob",
    "FileOutcome",
    "HandOver",
    "discard_partial_files",
    "finish_temp",
    "finish_uncancelled",
    "lane_ready",
    "new_temp",
    "run_blocking",
    "run_file_job",
    "run_in_lane",
    "run_owned",
]

RESUME_MIN_BYTES = 8 * 1024 * 1024
"""Smaller files restart from 0 after a failure: one more request to check an ETag would cost
more than the bytes it saves."""
_MAX_NUMBERED = 9999
_RESUMABLE_ERRORS = (ApiConnectionError, ApiTimeoutError, ServerError, RateLimitedError)
T = TypeVar("T")


async def run_blocking(func: Callable[[], T], cancel: CancelFlag) -> T:
    """Run ``func`` in a thread; if the caller is cancelled, set ``cancel`` and wait for the
    thread to stop before re-raising, so nothing writes to a file after it is cleaned up."""
    job = asyncio.ensure_future(asyncio.to_thread(func))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        cancel.set()
        try:
            await job
        except BaseException:  # the cancellation is what matters now
            pass
        raise


async def run_owned(func: Callable[[], T], release: Callable[[T], None]) -> T:
    """Run ``func`` in a thread and return what it made (an open file, say); if the caller is
    cancelled meanwhile, wait for the thread and ``release`` its result before re-raising, so
    nothing it created outlives the cancel."""
    job = asyncio.ensure_future(asyncio.to_thread(func))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        try:
            result = await job
        except Exception:
            raise asyncio.CancelledError() from None
        release(result)
        raise


async def new_temp(folder: DirHandle, name: str) -> int:
    """:func:`create_temp` in a thread; a cancel during it still closes and removes the file."""

    def release(fd: int) -> None:
        os.close(fd)
        remove_quietly(folder, name)

    return await run_owned(lambda: create_temp(folder, name), release)


async def finish_uncancelled(folder: DirHandle, fd: int, temp: str, side: str | None,
                             name: str, policy: ExistingPolicy, *,
                             close_folder: bool = False) -> str | None:
    """:func:`finish_temp` in a thread, carried through even if cancelled half-way: it takes
    milliseconds, and a file that is in place must not be reported as cancelled.
    ``close_folder``: close ``folder`` there too once the file is in place (a descriptor call
    on the event loop waits for the GIL behind the transfer threads)."""

    def finish() -> str | None:
        final = finish_temp(folder, fd, temp, side, name, policy)
        if close_folder:
            folder.close()
        return final

    job = asyncio.ensure_future(asyncio.to_thread(finish))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        return await job


@dataclass
class FileOutcome:
    """How a file job ended: published at ``path`` (``size`` bytes), or skipped."""

    skipped: bool
    path: Path
    size: int = 0


@dataclass(eq=False)
class FileJob:
    """Everything one file download needs; the engine keeps it to cancel or clean up."""

    fetcher: Fetcher
    remote: RemoteFile
    root: str
    parts: tuple[str, ...]
    policy: ExistingPolicy
    report: Callable[[int], None]
    local_source: Path | None = None
    cancel: CancelFlag = field(default_factory=CancelFlag)
    active: ActiveConnection = field(default_factory=ActiveConnection)
    """The connection moving this file's bytes in a transfer thread, so a cancel can cut it."""
    discard_partial: bool = False
    """Set before cancelling to remove even a resumable temp file (the disk is full)."""
    kept_partial: bool = False
    """True after a failure that left a resumable temp file behind."""
    urls: UrlPrefetcher | None = None
    """Where a URL fetched ahead for this file may be waiting (the engine's prefetcher)."""
    slots: asyncio.Semaphore | None = None
    """The engine's transfer slots: one is held only while bytes move (or are copied), so
    opening the temp file and publishing it overlap other files' transfers."""

    def reset(self) -> None:
        """Make the job ready to run again (retry)."""
        self.cancel = CancelFlag()
        self.active = ActiveConnection()
        self.discard_partial = False

    @property
    def label(self) -> str:
        """The local relative path (validated parts) for messages."""
        return "/".join(self.parts)

    @property
    def resumable(self) -> bool:
        """Whether this file keeps its temp file across failures (see the module docstring)."""
        size = self.remote.size
        return self.local_source is None and (size is None or size >= RESUME_MIN_BYTES)


def _slot(job: FileJob) -> contextlib.AbstractAsyncContextManager[object]:
    """One of the engine's transfer slots (nothing to wait for without an engine)."""
    return job.slots if job.slots is not None else contextlib.nullcontext()


def finish_temp(folder: DirHandle, fd: int, temp: str, side: str | None, name: str,
                policy: ExistingPolicy) -> str | None:
    """fsync and close ``fd``, publish ``temp`` as ``name`` (or a numbered name), drop the
    sidecar; return the name used, or None when skipped."""
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    if side:
        remove_quietly(folder, side)
    candidate = name
    for number in range(1, _MAX_NUMBERED + 2):
        try:
            publish(folder, temp, candidate, overwrite=policy is ExistingPolicy.OVERWRITE)
        except FileExistsError:
            if policy is ExistingPolicy.SKIP:  # it appeared while we downloaded: still no clobber
                remove_quietly(folder, temp)
                return None
            candidate = numbered_name(name, number)
            continue
        except IsADirectoryError as exc:
            raise LocalFileError(f"a folder named {name!r} is in the way") from exc
        fsync_dir(folder)
        return candidate
    raise LocalFileError(f"{_MAX_NUMBERED} numbered copies of {name!r} exist already")


def _temp_names(job: FileJob) -> tuple[str, str]:
    key = "\0".join((job.fetcher.asset_id, job.remote.path, job.label))
    temp = temp_name(key)  # one hash: the sidecar's name is the temp file's plus ".json"
    return temp, temp + ".json"


def discard_partial_files(job: FileJob) -> None:
    """Remove the temp file and sidecar a failed job kept for resuming (blocking, quick)."""
    try:
        folder = open_folder(job.root, job.parts[:-1], create=False)
    except Exception:  # the folder is gone or unsafe: nothing of ours to remove
        return
    with folder:
        remove_quietly(folder, *_temp_names(job))
    job.kept_partial = False


def _open_partial(job: FileJob, folder: DirHandle, temp: str, side: str
                  ) -> tuple[int, int, str] | None:
    """The temp file to resume from: ``(fd, size, etag)`` when its sidecar matches."""
    meta = read_sidecar(folder, side)
    if not meta or meta.get("asset") != job.fetcher.asset_id:
        return None
    if meta.get("path") != job.remote.path or meta.get("size") != job.remote.size:
        return None
    etag = meta.get("etag")
    opened = open_temp_for_resume(folder, temp) if isinstance(etag, str) and etag else None
    if opened is None:
        return None
    return opened[0], opened[1], str(etag)


def _close_found(found: tuple[int, int, str] | None) -> None:
    if found is not None:
        os.close(found[0])


def _sidecar(job: FileJob, etag: str | None) -> dict[str, object]:
    return {"v": 1, "asset": job.fetcher.asset_id, "path": job.remote.path,
            "size": job.remote.size, "etag": etag}


async def _url(job: FileJob) -> str:
    """``job``'s signed URL: fetched ahead by the engine's prefetcher, or now."""
    return await (job.urls.take(job) if job.urls else job.fetcher.signed_url(job.remote.path))


async def _download(job: FileJob, folder: DirHandle, temp: str, side: str,
                    prepared: _Prepared, url: str | None = None,
                    first: FirstAttemptFailed | None = None) -> tuple[int, int]:
    """Fetch into the temp file; return ``(fd, size)`` with the fd still open.

    Only a temp file kept from before is probed (one byte before its end, to check the server
    still has that version); a new one starts at once, and a resumable file's sidecar is
    written when the first answer names its ETag, before any of its bytes."""
    fetcher, remote = job.fetcher, job.remote
    offset, etag, fd = 0, None, prepared.fd
    state = prepared.found
    try:
        if url is None:
            url = await _url(job)
        if state:
            probe, url = await fetcher.probe(remote, url, state[1])
            if (probe.total is not None and remote.size is not None
                    and probe.total != remote.size):
                raise SizeMismatchError(f"{job.label}: the server has {probe.total:,} bytes, "
                                        f"the listing said {remote.size:,}")
            if (probe.etag == state[2] and state[1] <= (probe.total or 0)
                    and FdSink(state[0]).last_byte(state[1]) == probe.byte[: min(1, state[1])]):
                fd, offset, etag = state
            else:
                os.close(state[0])
            state = None
        if fd < 0:
            fd = await new_temp(folder, temp)

        def new_etag(value: str | None) -> None:
            write_sidecar(folder, side, _sidecar(job, value))

        async with _slot(job):
            size = await fetcher.transfer(remote, url, FdSink(fd), offset=offset, etag=etag,
                                          report=job.report,
                                          on_etag=new_etag if job.resumable else None,
                                          label=job.label, first=first)
    except BaseException:
        if state:
            os.close(state[0])
        if fd >= 0:
            os.close(fd)
        raise
    return fd, size


async def _copy(job: FileJob, fd: int) -> tuple[int, int]:
    assert job.local_source is not None
    source = job.local_source
    try:
        async with _slot(job):
            size = await run_blocking(
                lambda: copy_local(source, fd, progress=job.report, cancel=job.cancel),
                job.cancel,
            )
        if job.remote.size is not None and size != job.remote.size:
            raise SizeMismatchError(f"{job.label}: the mounted copy changed while copying")
    except OSError as exc:
        os.close(fd)
        raise translate_os_error(exc, job.label) from exc
    except BaseException:
        os.close(fd)
        raise
    return fd, size


@dataclass
class _Prepared:
    """The target folder opened, and what is already there: the first step of a file job."""

    folder: DirHandle
    skipped: bool = False
    fd: int = -1
    """A new, empty temp file (sources that are not resumed)."""
    found: tuple[int, int, str] | None = None
    """A temp file to resume from: (fd, size, ETag)."""


def _prepare(job: FileJob, temp: str, side: str) -> _Prepared:
    """Open the folder, apply "skip", open or create the temp file: one thread hop, not four."""
    folder = open_folder(job.root, job.parts[:-1])
    try:
        if job.policy is ExistingPolicy.SKIP and exists(folder, job.parts[-1]):
            return _Prepared(folder, skipped=True)
        if job.resumable:
            return _Prepared(folder, found=_open_partial(job, folder, temp, side))
        return _Prepared(folder, fd=create_temp(folder, temp))
    except BaseException:
        folder.close()
        raise


def _release(prepared: _Prepared, temp: str) -> None:
    """Undo :func:`_prepare` (its caller was cancelled while it ran)."""
    _close_found(prepared.found)
    if prepared.fd >= 0:
        os.close(prepared.fd)
        remove_quietly(prepared.folder, temp)
    prepared.folder.close()


def _goes_direct(job: FileJob) -> bool:
    """Whether ``job`` first tries :func:`_direct_file`: a small network file (it restarts from 0
    after a failure anyway, and comes in one piece) whose bytes move over this process's own
    sockets."""
    return (job.local_source is None and not job.resumable
            and job.fetcher.client.files.sockets and not job.fetcher.ranged(job.remote))


def _direct_file(job: FileJob, temp: str, url: str, active: ActiveConnection,
                 folders: FolderCache | None = None) -> FileOutcome | FirstAttemptFailed:
    """All of a small file in one transfer thread: open the folder, apply "skip", create the
    temp file, one attempt at its bytes, publish. When the attempt failed in a way the full path
    handles (a retry after a wait, a fresh URL, httpx), nothing is left behind and that failure
    is returned for it. ``folders``: a download lane's open folder, used (and kept) when the
    file goes there."""
    parts = tuple(job.parts[:-1])
    folder = folders.open(job.root, parts) if folders is not None else open_folder(job.root,
                                                                                   parts)
    name = job.parts[-1]
    try:
        if job.policy is ExistingPolicy.SKIP and exists(folder, name):
            return FileOutcome(True, Path(folder.path, name))
        try:
            fd = create_temp(folder, temp)
        except FileNotFoundError:
            if folders is None:
                raise
            folders.close()  # the kept folder was removed meanwhile: open (make) it again
            folder = folders.open(job.root, parts)
            if job.policy is ExistingPolicy.SKIP and exists(folder, name):
                return FileOutcome(True, Path(folder.path, name))
            fd = create_temp(folder, temp)
        try:
            size = job.fetcher.transfer_once_blocking(job.remote, url, FdSink(fd),
                                                      report=job.report, cancel=job.cancel,
                                                      active=active, label=job.label)
        except BaseException:
            os.close(fd)
            raise
        if isinstance(size, FirstAttemptFailed):
            os.close(fd)
            remove_quietly(folder, temp)
            return size
        final = finish_temp(folder, fd, temp, None, name, job.policy)
    except OSError as exc:
        remove_quietly(folder, temp)
        raise translate_os_error(exc, job.label) from exc
    except BaseException:  # a cancel, a size mismatch, a folder in the way: no temp file stays
        remove_quietly(folder, temp)
        raise
    finally:
        if folders is None:
            folder.close()
    if final is None:
        return FileOutcome(True, Path(folder.path, name))
    return FileOutcome(False, Path(folder.path, final), size)


async def _run_direct(job: FileJob, temp: str, url: str) -> FileOutcome | FirstAttemptFailed:
    """:func:`_direct_file` in a transfer thread, holding a transfer slot; a cancel stops it at
    once, but a file it already put in place stands."""
    async with _slot(job):
        return await run_transfer(lambda: _direct_file(job, temp, url, job.active), job.cancel,
                                  job.active, kept=lambda done: isinstance(done, FileOutcome))


@dataclass(frozen=True)
class HandOver:
    """What a download lane could not finish (:func:`run_in_lane`), for :func:`run_file_job`
    to go on from: the signed URL it got (None: the quick attempt did not give one) and how the
    one attempt at the bytes failed."""

    url: str | None
    first: FirstAttemptFailed | None = None


def lane_ready(job: FileJob) -> bool:
    """Whether ``job`` may run in a download lane (:func:`run_in_lane`): a file that goes
    direct, on a client that reads signed URLs over its own sockets too."""
    return _goes_direct(job) and job.fetcher.client.quick is not None


def run_in_lane(job: FileJob, url: str | None, folders: FolderCache) -> FileOutcome | HandOver:
    """A small file in the calling lane thread, with no work on the event loop:
    :func:`_direct_file` with ``url`` (from one quick attempt; None when that gave none), in
    the lane's kept folder when the file goes there.
    Whatever cannot be finished here is handed over (:class:`HandOver`) with nothing left
    behind; raises what :func:`run_file_job` would (``DownloadCancelled`` when ``job.cancel``
    stopped it)."""
    job.kept_partial = False
    if url is None:
        return HandOver(None)
    if job.cancel.is_set():
        raise DownloadCancelled()
    outcome = _direct_file(job, _temp_names(job)[0], url, job.active, folders)
    return HandOver(url, outcome) if isinstance(outcome, FirstAttemptFailed) else outcome


async def run_file_job(job: FileJob, handed: HandOver | None = None) -> FileOutcome:
    """Download (or copy from the mount) one file to ``root/parts``; errors are ApiErrors.
    ``handed``: a download lane's unfinished start of it (its URL, its failed first attempt)."""
    temp, side = _temp_names(job)
    url: str | None = None
    first: FirstAttemptFailed | None = None
    if handed is not None and handed.first is not None:
        url, first = handed.url, handed.first
    elif _goes_direct(job):
        job.kept_partial = False
        url = await _url(job)
        outcome = await _run_direct(job, temp, url)
        if isinstance(outcome, FileOutcome):
            return outcome
        first = outcome
    prepared = await run_owned(lambda: _prepare(job, temp, side),
                               lambda done: _release(done, temp))
    folder = prepared.folder
    name = job.parts[-1]
    try:
        if prepared.skipped:
            return FileOutcome(True, Path(folder.path, name))
        job.kept_partial = False
        try:
            if job.local_source is not None:
                fd, size = await _copy(job, prepared.fd)
            else:
                fd, size = await _download(job, folder, temp, side, prepared, url, first)
            final = await finish_uncancelled(folder, fd, temp, side if job.resumable else None,
                                             name, job.policy, close_folder=True)
        except OSError as exc:
            remove_quietly(folder, temp, side)
            raise translate_os_error(exc, job.label) from exc
        except BaseException as exc:
            keep = (job.resumable and not job.discard_partial
                    and isinstance(exc, (asyncio.CancelledError, *_RESUMABLE_ERRORS))
                    and read_sidecar(folder, side) is not None)
            if keep:
                job.kept_partial = True
            else:
                remove_quietly(folder, temp, side)
            raise
        if final is None:
            return FileOutcome(True, Path(folder.path, name))
        return FileOutcome(False, Path(folder.path, final), size)
    finally:
        folder.close()
