"""Inside a capsule: where downloads go, and reading assets from their ``/data`` mount.

A capsule or cloud workstation (env ``CO_CAPSULE_ID`` set) mounts attached assets read-only at
``/data/<mount>``. Copying from there is a local read instead of a network download, and a
preview can read the first bytes directly. The mount is trusted only where it looks like the
asset: the requested relative path exists there as a regular file, inside the mount once
symlinks are resolved, with the listing's size; otherwise callers download as usual.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

from co_tui.api.fast_download import CancelFlag
from co_tui.transfer.failures import UnsafePathError
from co_tui.transfer.local_names import local_parts
from co_tui.transfer.localfs import write_all

__all__ = [
    "DATA_ROOT",
    "copy_local",
    "default_destination",
    "in_capsule",
    "local_file",
    "mount_root",
]

DATA_ROOT = Path("/data")
"""Where a capsule mounts its data assets: the one definition, read when a mount is looked up
(``data_root=None`` everywhere means this), so tests can point it elsewhere in one place."""
_COPY_CHUNK = 8 * 1024 * 1024
_NO_KERNEL_COPY = frozenset({errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP})
"""copy_file_range refusals that mean "copy by hand" (old kernels, some file systems)."""


class HasMount(Protocol):
    """Anything with the asset's mount folder name (a ``DataAsset``, a ``DownloadTarget``)."""

    @property
    def mount(self) -> str:
        """The asset's mount folder name."""
        ...


def in_capsule(env: Mapping[str, str]) -> bool:
    """True inside a capsule or cloud workstation (``CO_CAPSULE_ID`` is set)."""
    return bool(env.get("CO_CAPSULE_ID"))


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def default_destination(
    env: Mapping[str, str],
    cwd: Path,
    *,
    results: Path = Path("/results"),
    scratch: Path = Path("/scratch"),
) -> Path:
    """Where downloads go unless the user says otherwise.

    The current folder; inside a capsule ``/results`` (kept with the run), else ``/scratch``,
    whichever exists and is writable first, falling back to the current folder.
    """
    if in_capsule(env):
        for candidate in (results, scratch):
            if _writable_dir(candidate):
                return candidate
    return cwd


def mount_root(
    mount: str, *, env: Mapping[str, str] | None = None, data_root: Path | None = None
) -> Path | None:
    """The resolved ``/data/<mount>`` folder when inside a capsule and it exists, else None
    (``data_root``: :data:`DATA_ROOT` unless given)."""
    env = os.environ if env is None else env
    if not in_capsule(env) or not mount:
        return None
    try:
        if local_parts(mount) != (mount,):
            return None  # a mount is one plain folder name; anything else is not ours to read
    except UnsafePathError:
        return None
    root = (DATA_ROOT if data_root is None else data_root) / mount
    try:
        return root.resolve(strict=True) if root.is_dir() else None
    except OSError:
        return None


def find_in_mount(root: Path, path: str, size: int | None = None) -> Path | None:
    """``root/path`` resolved, when it is a regular file inside ``root`` (and of ``size``)."""
    try:
        parts = local_parts(path)
    except UnsafePathError:
        return None
    if "/".join(parts) != "/".join(p for p in path.split("/") if p not in ("", ".")):
        return None  # the server name needed cleaning, so the mount cannot hold it as is
    try:
        resolved = root.joinpath(*parts).resolve(strict=True)
        info = resolved.stat()
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root) or not stat.S_ISREG(info.st_mode):
        return None
    if size is not None and info.st_size != size:
        return None
    return resolved


def local_file(
    asset: HasMount,
    path: str,
    *,
    size: int | None = None,
    env: Mapping[str, str] | None = None,
    data_root: Path | None = None,
) -> Path | None:
    """The local copy of ``path`` of ``asset`` in the capsule's ``/data`` mount, or None.

    The one local-mount shortcut: previews and the pager read this file instead of fetching
    the signed URL (downloads plan with :func:`mount_root` + :func:`find_in_mount`, the same
    two steps, resolving the mount once per batch). Pass the listing's ``size`` to require
    that the local file matches it.
    """
    root = mount_root(asset.mount, env=env, data_root=data_root)
    return None if root is None else find_in_mount(root, path, size)


def copy_local(
    source: Path,
    sink: int | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
    cancel: CancelFlag | None = None,
) -> int:
    """Copy ``source`` into ``sink`` (a descriptor or a binary file); return the bytes copied.

    Blocking: run it in a worker thread. ``cancel`` is checked between chunks of 8 MiB.
    """
    copied = 0
    with open(source, "rb", buffering=0) as src:
        fd_in = src.fileno()
        kernel = isinstance(sink, int) and hasattr(os, "copy_file_range")
        buffer = bytearray(0 if kernel else _COPY_CHUNK)
        view = memoryview(buffer)
        while True:
            if cancel is not None and cancel.is_set():
                raise InterruptedError("copy cancelled")
            if kernel:
                assert isinstance(sink, int)
                try:
                    n = os.copy_file_range(fd_in, sink, _COPY_CHUNK)
                except OSError as exc:
                    if exc.errno not in _NO_KERNEL_COPY:
                        raise
                    kernel = False
                    buffer = bytearray(_COPY_CHUNK)
                    view = memoryview(buffer)
                    continue
            else:
                n = src.readinto(buffer) or 0
                if n:
                    if isinstance(sink, int):
                        write_all(sink, view[:n])
                    else:
                        sink.write(view[:n])
            if n == 0:
                return copied
            copied += n
            if progress is not None:
                progress(copied)

