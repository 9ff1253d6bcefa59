"""What a download is: the request a dialog produces, the queue's items and the views the UI polls.

Progress is plain counters: the transfer threads bump ``TransferItem.done`` (an int store, atomic
under the GIL) and the UI reads :class:`ItemView` / :class:`TotalsView` snapshots on a timer, so
no callback ever runs in the UI per chunk. Speed and ETA come from a sliding window
(:class:`SpeedMeter`) sampled when a view is taken, on an injectable clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from co_tui.api.models import DataAsset, FolderItem

__all__ = [
    "DownloadRequest",
    "DownloadTarget",
    "ExistingPolicy",
    "ItemState",
    "ItemView",
    "RemoteFile",
    "SpeedMeter",
    "TargetKind",
    "TotalsView",
]


class TargetKind(StrEnum):
    """What is downloaded: one file, a folder (recursively), or the whole asset."""

    FILE = "file"
    FOLDER = "folder"
    ASSET = "asset"


class ExistingPolicy(StrEnum):
    """What to do when a local file of the same name exists. ``OVERWRITE`` only after the user
    confirmed it (the dialog asks twice); the default is ``SKIP``."""

    SKIP = "skip"
    RENAME = "rename"
    OVERWRITE = "overwrite"


class ItemState(StrEnum):
    """Where a queue item is. ``FAILED`` items carry a reason; terminal states are
    :data:`FINISHED_STATES`."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        """True for done, failed, cancelled and skipped."""
        return self in FINISHED_STATES


FINISHED_STATES = frozenset({ItemState.DONE, ItemState.FAILED, ItemState.CANCELLED,
                             ItemState.SKIPPED})


@dataclass(frozen=True)
class DownloadTarget:
    """What the user pointed at: built by the screen from the highlighted row.

    ``path`` is the server path of the file or folder (``""`` for the whole asset); ``size`` and
    ``files`` are what is known before listing (a file's size, the asset's totals), or None.
    ``mount`` is the asset's mount folder (the local folder name for a whole-asset download and
    where a capsule mounts it under ``/data``).
    """

    asset_id: str
    asset_name: str
    mount: str
    kind: TargetKind
    path: str = ""
    size: int | None = None
    files: int | None = None

    @classmethod
    def for_asset(cls, asset: DataAsset) -> DownloadTarget:
        """The whole asset (``D`` on an asset), with its size and file count when known."""
        return cls(asset.id, asset.name, asset.mount, TargetKind.ASSET, "", asset.size,
                   asset.files)

    @classmethod
    def for_item(cls, asset: DataAsset, item: FolderItem) -> DownloadTarget:
        """A file or folder of a listing (``d`` / ``D`` on a row of the file tree)."""
        kind = TargetKind.FOLDER if item.is_folder else TargetKind.FILE
        return cls(asset.id, asset.name, asset.mount, kind, item.path,
                   None if item.is_folder else item.size)

    @property
    def name(self) -> str:
        """The server's name of what is downloaded (raw: sanitise before display)."""
        if self.kind is TargetKind.ASSET:
            return self.mount or self.asset_name or self.asset_id
        return self.path.rstrip("/").rpartition("/")[2] or self.path


@dataclass(frozen=True)
class DownloadRequest:
    """What the download dialog dismisses with, and what :meth:`DownloadEngine.submit` takes.

    ``destination`` is the local folder; ``as_zip`` asks for one archive built while streaming
    instead of separate files; ``policy`` says what to do with existing files. ``zip_name`` is
    the archive's file name in ``destination`` (one plain name; default: made from the
    target's name).
    """

    target: DownloadTarget
    destination: Path
    as_zip: bool = False
    policy: ExistingPolicy = ExistingPolicy.SKIP
    zip_name: str | None = None


@dataclass(frozen=True)
class RemoteFile:
    """One file to fetch: its server ``path``, its ``size`` from the listing, and its path
    relative to the downloaded folder (``rel``, still a raw server string)."""

    path: str
    size: int | None
    rel: str


class SpeedMeter:
    """Bytes per second over the last ``window`` seconds of samples (a sliding window)."""

    def __init__(self, clock: Callable[[], float], window: float = 5.0) -> None:
        self._clock = clock
        self._window = window
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        """Forget every sample (after a restart from 0)."""
        self._samples.clear()

    def sample(self, value: int) -> float | None:
        """Record ``value`` (a running byte count) now and return the speed, or None while the
        window spans less than a quarter of a second."""
        now = self._clock()
        samples = self._samples
        if samples and value < samples[-1][1]:
            samples.clear()
        if not samples or now > samples[-1][0]:
            samples.append((now, value))
        # Keep one sample older than the window so the span covers all of it.
        while len(samples) > 2 and samples[1][0] <= now - self._window:
            samples.popleft()
        first_t, first_v = samples[0]
        span = now - first_t
        if span < 0.25:
            return None
        return (value - first_v) / span


def eta_seconds(remaining: int | None, speed: float | None) -> float | None:
    """Seconds left at ``speed``, or None when either is unknown or the speed is 0."""
    if remaining is None or speed is None or speed <= 0:
        return None
    return max(0.0, remaining / speed)


@dataclass(frozen=True)
class ItemView:
    """One queue row as the UI draws it. ``label`` and ``error`` are raw strings (sanitise)."""

    id: int
    label: str
    state: ItemState
    done: int
    total: int | None
    speed: float | None
    eta: float | None
    error: str = ""
    detail: str = ""
    is_zip: bool = False
    from_mount: bool = False

    @property
    def fraction(self) -> float | None:
        """``done / total`` in [0, 1], or None when the total is unknown."""
        if not self.total:
            return 1.0 if self.state is ItemState.DONE else None
        return min(1.0, self.done / self.total)


@dataclass(frozen=True)
class TotalsView:
    """The whole queue at a glance: counts by state, bytes, speed and ETA."""

    items: int
    counts: dict[ItemState, int] = field(default_factory=dict)
    done_bytes: int = 0
    total_bytes: int = 0
    speed: float | None = None
    eta: float | None = None
    planning: int = 0
    """Batches still being listed (their items are not in the queue yet)."""
    messages: tuple[str, ...] = ()
    """Batch-level problems (not enough space, a listing that failed ...), newest last."""

    @property
    def active(self) -> bool:
        """True while anything is queued, running or being listed."""
        return bool(self.planning or self.counts.get(ItemState.QUEUED)
                    or self.counts.get(ItemState.RUNNING))
