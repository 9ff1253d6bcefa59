"""Download failures that are not HTTP statuses, in the API's error family.

The UI has one error path for :class:`~co_tui.api.errors.ApiError`; a download that fails because
of the local disk or a hostile server path reaches it the same way, with a ``kind`` of its own.
Messages name the file (already sanitised for display by the UI) and never a URL's query string.
"""

from __future__ import annotations

from co_tui.api.errors import ApiError, NotFoundError, PermissionDeniedError

__all__ = [
    "DiskFullError",
    "InsufficientSpaceError",
    "LocalFileError",
    "SizeMismatchError",
    "TransferError",
    "UnsafePathError",
    "describe_error",
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


def describe_error(exc: BaseException) -> str:
    """A short reason for a failed item (raw text: the UI sanitises it; never a URL or token)."""
    if isinstance(exc, TransferError):
        return exc.message
    if isinstance(exc, PermissionDeniedError):
        if exc.operation in ("download_file", "read_file"):
            return "access denied by the storage (403), even with a fresh link"
        return "you do not have permission (403)"
    if isinstance(exc, NotFoundError):
        return "no longer on the server (404)"
    if isinstance(exc, ApiError):
        message = exc.message.strip()
        if message.startswith("<") or not message:  # an S3-style XML body says nothing useful
            message = f"the server answered {exc.status}" if exc.status else exc.kind
        return f"HTTP {exc.status}: {message}" if exc.status else message
    return f"unexpected error ({type(exc).__name__})"
