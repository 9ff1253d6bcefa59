"""Download failures that are not HTTP statuses, in the API's error family.

The UI has one error path for :class:`~co_tui.api.errors.ApiError`; a download that fails because
of the local disk or a hostile server path reaches it the same way, with a ``kind`` of its own.
Messages name the file (already sanitised for display by the UI) and never a URL's query string.
"""

from __future__ import annotations

from co_tui.api.errors import ApiError

__all__ = [
    "DiskFullError",
    "InsufficientSpaceError",
    "LocalFileError",
    "SizeMismatchError",
    "TransferError",
    "UnsafePathError",
]


class TransferError(ApiError):
    """A download failed on this machine's side (paths, disk, verification)."""

    kind = "transfer"

    def __init__(self, message: str, *, operation: str = "download_file") -> None:
        super().__init__(message, operation=operation)


class UnsafePathError(TransferError):
    """A server path that cannot be written safely (``..``, no name, too deep, a symlink)."""

    kind = "unsafe_path"


class InsufficientSpaceError(TransferError):
    """Not enough free space at the destination to start; ``needed`` and ``free`` in bytes."""

    kind = "insufficient_space"

    def __init__(self, message: str, *, needed: int, free: int) -> None:
        self.needed = needed
        self.free = free
        super().__init__(message)


class DiskFullError(TransferError):
    """The disk filled up (``ENOSPC`` / ``EDQUOT``) while writing: the batch stops."""

    kind = "disk_full"


class SizeMismatchError(TransferError):
    """The bytes received do not match the size the listing or the server announced."""

    kind = "size_mismatch"


class LocalFileError(TransferError):
    """Any other local file-system failure (permissions, a folder where a file should go ...)."""

    kind = "local_file"
