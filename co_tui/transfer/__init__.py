"""Downloads: a file, a folder or a whole asset, as files or one zip, safely and resumably.

No Textual here (a test enforces it): the UI polls the engine's counters on a timer.

Public interface::

    from co_tui.transfer import (
        DownloadEngine, DownloadRequest, DownloadTarget, ExistingPolicy, TargetKind,
        ItemState, ItemView, TotalsView, Batch, BatchSummary,
        default_destination, local_file, space_check,
    )

A screen builds a :class:`DownloadTarget` from the highlighted row, lets the download dialog turn
it into a :class:`DownloadRequest`, and hands that to the app's one :class:`DownloadEngine`
(``CoTuiApp.downloads``).
"""

from __future__ import annotations

from co_tui.transfer.batch import Batch, BatchSummary, TransferItem
from co_tui.transfer.download_model import (
    DownloadRequest,
    DownloadTarget,
    ExistingPolicy,
    ItemState,
    ItemView,
    RemoteFile,
    TargetKind,
    TotalsView,
)
from co_tui.transfer.engine import DownloadEngine
from co_tui.transfer.failures import (
    DiskFullError,
    InsufficientSpaceError,
    LocalFileError,
    SizeMismatchError,
    TransferError,
    UnsafePathError,
)
from co_tui.transfer.local import default_destination, in_capsule, local_file, mount_root
from co_tui.transfer.localfs import SpaceCheck, required_space, space_check

__all__ = [
    "Batch",
    "BatchSummary",
    "DiskFullError",
    "DownloadEngine",
    "DownloadRequest",
    "DownloadTarget",
    "ExistingPolicy",
    "InsufficientSpaceError",
    "ItemState",
    "ItemView",
    "LocalFileError",
    "RemoteFile",
    "SizeMismatchError",
    "SpaceCheck",
    "TargetKind",
    "TotalsView",
    "TransferError",
    "TransferItem",
    "UnsafePathError",
    "default_destination",
    "in_capsule",
    "local_file",
    "mount_root",
    "required_space",
    "space_check",
]
