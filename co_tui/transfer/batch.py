"""Queue items and batches: the engine's bookkeeping, and what a screen awaits for a summary."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from co_tui.transfer.download_model import (
    DownloadRequest,
    ItemState,
    ItemView,
    SpeedMeter,
    eta_seconds,
)
from co_tui.transfer.filejob import FileJob
from co_tui.transfer.zipjob import ZipJob

__all__ = ["Batch", "BatchSummary", "Signal", "TransferItem"]


class Signal:
    """Wakes every waiter on each :meth:`fire` (no lost wake-ups, unlike clearing an Event)."""

    def __init__(self) -> None:
        self._future: asyncio.Future[None] | None = None

    def fire(self) -> None:
        """Wake the current waiters."""
        if self._future is not None and not self._future.done():
            self._future.set_result(None)
        self._future = None

    async def wait(self) -> None:
        """Wait for the next :meth:`fire`."""
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._future)


@dataclass(frozen=True)
class BatchSummary:
    """How a batch ended: counts by outcome, bytes written and a batch-level ``error``."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    cancelled: int = 0
    bytes: int = 0
    kept_partial: int = 0
    """Failed or cancelled files whose temp file stays so a retry can resume."""
    error: str = ""

    @property
    def text(self) -> str:
        """``"12 done, 3 skipped, 1 failed"`` (zeros left out, except done)."""
        if self.error:
            return self.error
        parts = [f"{self.done:,} done"]
        for count, word in ((self.skipped, "skipped"), (self.failed, "failed"),
                            (self.cancelled, "cancelled")):
            if count:
                parts.append(f"{count:,} {word}")
        return ", ".join(parts)


@dataclass(eq=False)
class TransferItem:
    """One row of the queue: a file, or one archive of many files.

    ``done`` is written by transfer threads (a plain int store) and read by views; ``label`` is
    the local relative path (or the archive's name), a raw string to sanitise for display.
    """

    id: int
    batch: Batch
    label: str
    size: int | None
    meter: SpeedMeter
    state: ItemState = ItemState.QUEUED
    done: int = 0
    error: str = ""
    is_zip: bool = False
    from_mount: bool = False
    path: Path | None = None
    """Where the file or archive was written (after done) or found (after skipped)."""
    job: FileJob | ZipJob | None = None
    task: asyncio.Task[None] | None = None
    stop_reason: str = ""

    def report(self, n: int) -> None:
        """Progress from a transfer thread: bytes of this file so far."""
        self.done = n

    def current_done(self) -> int:
        """Bytes done now (an archive sums its members)."""
        if isinstance(self.job, ZipJob) and self.state is ItemState.RUNNING:
            return self.job.done_bytes()
        return self.done

    def view(self) -> ItemView:
        """A snapshot for the UI; samples the speed meter while running."""
        done = self.current_done()
        speed = eta = None
        if self.state is ItemState.RUNNING:
            speed = self.meter.sample(done)
            eta = eta_seconds(None if self.size is None else self.size - done, speed)
        detail = ""
        if isinstance(self.job, ZipJob):
            count = len(self.job.members)
            if self.state is ItemState.RUNNING and count:
                detail = f"file {min(self.job.current + 1, count):,} of {count:,}"
            else:
                detail = f"{count:,} files"
        return ItemView(self.id, self.label, self.state, done, self.size, speed, eta,
                        self.error, detail, self.is_zip, self.from_mount)


@dataclass(eq=False)
class Batch:
    """One submitted request and its items (known once the target has been listed)."""

    id: int
    request: DownloadRequest
    signal: Signal
    items: list[TransferItem] = field(default_factory=list)
    root: Path | None = None
    """The resolved destination folder (after planning)."""
    planned: bool = False
    error: str = ""
    """Why the whole batch could not start (listing failed, not enough space ...)."""
    stopped: str = ""
    """Why the batch was stopped half-way (the disk filled up)."""
    open_items: int = 0
    """Items queued or running (kept by the engine, so waiting costs nothing per item)."""

    def fail(self, reason: str) -> None:
        """The batch could not start."""
        self.error = reason

    @property
    def finished(self) -> bool:
        """True when planning is over and no item is queued or running."""
        if self.error:
            return True
        return self.planned and self.open_items == 0

    def summary(self) -> BatchSummary:
        """Counts by outcome so far."""
        counts = dict.fromkeys(ItemState, 0)
        written = kept = 0
        for item in self.items:
            counts[item.state] += 1
            if item.state is ItemState.DONE:
                written += item.done
            if isinstance(item.job, FileJob) and item.job.kept_partial and item.state in (
                    ItemState.FAILED, ItemState.CANCELLED):
                kept += 1
        return BatchSummary(counts[ItemState.DONE], counts[ItemState.SKIPPED],
                            counts[ItemState.FAILED], counts[ItemState.CANCELLED], written, kept,
                            self.error or (f"stopped: {self.stopped}" if self.stopped else ""))

    async def wait(self) -> BatchSummary:
        """Wait until the batch is finished and return its summary."""
        while not self.finished:
            await self.signal.wait()
        return self.summary()
