"""File-system steps of a download, done relative to folder descriptors (docs/reliability.md,
'Path traversal in downloads' and 'Download integrity').

Every folder below the destination is entered with ``O_NOFOLLOW``: a symlink anywhere on the way
(planted before the download or swapped in during it) is refused rather than followed, so nothing
is written outside the destination whatever the tree already holds. Files are created with
``O_EXCL | O_NOFOLLOW`` and mode ``0o666`` (the umask decides, as for any new file: curl
CVE-2022-32207), written to a hidden temp name in the target folder, fsynced, and published with
a hard link (atomic no-clobber: it fails if the name appeared meanwhile) or, to overwrite after
the user's confirmation, ``os.replace``.

All functions block; callers run them in a worker thread.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from co_tui.transfer.failures import DiskFullError, LocalFileError, UnsafePathError

__all__ = [
    "DISK_FULL_ERRNOS",
    "DirHandle",
    "FolderCache",
    "SpaceCheck",
    "create_temp",
    "exists",
    "fsync_dir",
    "open_folder",
    "open_temp_for_resume",
    "publish",
    "read_sidecar",
    "remove_quietly",
    "required_space",
    "space_check",
    "translate_os_error",
    "write_all",
    "write_from_pipe",
    "write_sidecar",
]

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_NO_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV,
                       errno.ENOSYS})
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
MARGIN_BYTES = 64 * 1024 * 1024
"""Free space kept in reserve beyond what a batch needs (docs/reliability.md, 'Download
integrity')."""


class DirHandle:
    """An open folder below the destination; use as a context manager to close it."""

    def __init__(self, fd: int, path: str) -> None:
        self.fd = fd
        self.path = path

    def close(self) -> None:
        """Close the descriptor (idempotent)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> DirHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def translate_os_error(exc: OSError, what: str) -> Exception:
    """The transfer error for a local ``OSError`` while handling ``what`` (a display name)."""
    if exc.errno in DISK_FULL_ERRNOS:
        return DiskFullError(f"the disk is full while writing {what}")
    if exc.errno == errno.ELOOP:
        return UnsafePathError(f"a symlink is in the way of {what}")
    reason = exc.strerror or type(exc).__name__
    return LocalFileError(f"cannot write {what}: {reason}")


def open_folder(root: str, parts: Iterable[str], *, create: bool = True) -> DirHandle:
    """Open ``root`` and then each of ``parts`` below it without following symlinks.

    Missing folders are created (mode ``0o777`` minus the umask) when ``create``. ``root`` itself
    is the user's chosen destination and may be a symlink. Raises :class:`UnsafePathError` for a
    symlink or a non-folder on the way, other transfer errors for other failures.
    """
    path = root
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise translate_os_error(exc, "the destination folder") from exc
    try:
        for part in parts:
            path = os.path.join(path, part)
            try:
                child = _open_child(fd, part, create)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise UnsafePathError(
                        f"{part!r} on the way is a symlink or a file, not a folder"
                    ) from exc
                raise translate_os_error(exc, part) from exc
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return DirHandle(fd, path)


class FolderCache:
    """The folder a download lane put its last file in, kept open for its next file when that
    goes to the same folder: opening it costs a system call per level of the path, and in a
    transfer thread each call gives the GIL up and waits behind the other threads to get it
    back. A folder removed meanwhile is noticed when a file cannot be created in it
    (:meth:`close`, then open it again)."""

    def __init__(self) -> None:
        self._key: tuple[str, tuple[str, ...]] | None = None
        self._handle: DirHandle | None = None

    def open(self, root: str, parts: tuple[str, ...]) -> DirHandle:
        """:func:`open_folder` of ``root`` and ``parts``, or the same folder kept open (the
        caller does not close it: :meth:`close` does)."""
        key = (root, parts)
        if self._handle is not None and self._key == key and self._handle.fd >= 0:
            return self._handle
        self.close()
        self._handle = open_folder(root, parts)
        self._key = key
        return self._handle

    def close(self) -> None:
        """Close the kept folder, if any: the next :meth:`open` opens it again."""
        if self._handle is not None:
            self._handle.close()
        self._handle = self._key = None


def _open_child(fd: int, part: str, create: bool) -> int:
    """Open the folder ``part`` in ``fd``, made first when missing and ``create`` (opened
    first: most files of a download land in a folder that exists by then)."""
    try:
        return os.open(part, _DIR_FLAGS, dir_fd=fd)
    except FileNotFoundError:
        if not create:
            raise
    try:
        os.mkdir(part, 0o777, dir_fd=fd)
    except FileExistsError:  # made meanwhile by another transfer: open it all the same
        pass
    return os.open(part, _DIR_FLAGS, dir_fd=fd)


def exists(folder: DirHandle, name: str) -> bool:
    """True when ``name`` exists in ``folder`` (a symlink counts, dangling or not)."""
    try:
        os.lstat(name, dir_fd=folder.fd)
    except FileNotFoundError:
        return False
    return True


def create_temp(folder: DirHandle, name: str) -> int:
    """Create ``name`` afresh (a leftover of that name is removed first) and open it to write."""
    try:
        return os.open(name, _NEW_FILE_FLAGS, 0o666, dir_fd=folder.fd)
    except FileExistsError:
        remove_quietly(folder, name)
    return os.open(name, _NEW_FILE_FLAGS, 0o666, dir_fd=folder.fd)


def open_temp_for_resume(folder: DirHandle, name: str) -> tuple[int, int] | None:
    """Open an existing regular temp file to append to: ``(fd, size)``, or None if unusable.

    ``O_NONBLOCK`` keeps a FIFO planted under the temp name from blocking the open.
    """
    try:
        fd = os.open(name, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=folder.fd)
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    os.set_blocking(fd, True)
    return fd, info.st_size


def remove_quietly(folder: DirHandle, *names: str) -> None:
    """Remove ``names`` from ``folder`` if they exist (files only; never follows a symlink)."""
    for name in names:
        try:
            os.unlink(name, dir_fd=folder.fd)
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            shutil.rmtree(os.path.join(folder.path, name), ignore_errors=True)


def fsync_dir(folder: DirHandle) -> None:
    """Make the folder's new entries durable (some file systems refuse: that is fine)."""
    try:
        os.fsync(folder.fd)
    except OSError:
        pass


def publish(folder: DirHandle, temp: str, final: str, *, overwrite: bool) -> None:
    """Give ``temp`` its final name; raise ``FileExistsError`` if ``final`` exists and not
    ``overwrite``.

    No-clobber uses ``link`` + ``unlink``, which fails atomically when the name exists; file
    systems without hard links fall back to a check then ``rename`` (a short race, reported
    nowhere because nothing better exists there).
    """
    if overwrite:
        os.replace(temp, final, src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
        return
    try:
        os.link(temp, final, src_dir_fd=folder.fd, dst_dir_fd=folder.fd, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if exists(folder, final):
            raise FileExistsError(errno.EEXIST, "exists", final) from exc
        os.rename(temp, final, src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
        return
    os.unlink(temp, dir_fd=folder.fd)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write all of ``data`` to the descriptor ``fd`` (``os.write`` may take only part)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_from_pipe(pipe: int, fd: int, count: int) -> None:
    """Write ``count`` bytes waiting in the pipe ``pipe`` at ``fd``'s position, by ``splice``
    (:mod:`co_tui.api.splice`); a file system that cannot take a ``splice`` gets them written."""
    left = count
    while left:
        try:
            left -= os.splice(pipe, fd, left)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            break
    while left:  # by hand: read them from the pipe (it holds them) and write
        data = os.read(pipe, left)
        write_all(fd, data)
        left -= len(data)


def write_sidecar(folder: DirHandle, name: str, data: dict[str, Any]) -> None:
    """Write the small JSON that lets a later run resume a temp file (ETag, size, source)."""
    blob = json.dumps(data, sort_keys=True).encode()
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o666, dir_fd=folder.fd)
    try:
        write_all(fd, blob)
    finally:
        os.close(fd)


def read_sidecar(folder: DirHandle, name: str) -> dict[str, Any] | None:
    """The sidecar's JSON object, or None when missing, unreadable or not an object."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                     dir_fd=folder.fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        raw = os.read(fd, 64 * 1024)
    finally:
        os.close(fd)
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class SpaceCheck(NamedTuple):
    """Free space at a destination against what a download needs (bytes)."""

    free: int
    needed: int

    @property
    def ok(self) -> bool:
        """True when the download fits with the safety margin."""
        return self.free >= self.needed

    @property
    def shortfall(self) -> int:
        """How many more bytes would have to be freed (0 when it fits)."""
        return max(0, self.needed - self.free)


def required_space(remaining: int) -> int:
    """Bytes that must be free to download ``remaining`` bytes: plus max(64 MiB, 1%)."""
    return remaining + max(MARGIN_BYTES, remaining // 100)


DiskUsage = Callable[[str], Any]
"""``shutil.disk_usage`` or a test's stand-in: returns an object with a ``free`` attribute."""


def space_check(path: str, remaining: int, disk_usage: DiskUsage = shutil.disk_usage) -> SpaceCheck:
    """Compare the free space at ``path`` (or its nearest existing parent) with ``remaining``."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe) and os.path.dirname(probe) != probe:
        probe = os.path.dirname(probe)
    free = int(disk_usage(probe).free)
    return SpaceCheck(free, required_space(remaining))
