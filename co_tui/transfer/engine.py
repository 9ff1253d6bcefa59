"""The download queue: batches of items, a few running at once, cancel and retry per item.

The app owns one :class:`DownloadEngine` (``CoTuiApp.downloads``, built with the app's client
on first use; it outlives every screen); screens call
:meth:`~DownloadEngine.submit` with the dialog's
:class:`~co_tui.transfer.download_model.DownloadRequest`.
The engine runs on the app's event loop: listing and HTTP are async, file-system work and the
byte moving happen in worker threads. The UI never gets a callback: it polls
:meth:`~DownloadEngine.totals` and :meth:`~DownloadEngine.view` on a timer.

At most ``max_parallel`` transfers are in flight (one semaphore for files, archive members and
prefetches alike, held only while bytes move), and at most :data:`WORKERS_PER_SLOT` times that
many items run; the queue is first come, first served. When
the disk fills up, the whole batch stops and every temp file it made is removed.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from co_tui.api.fast_download import DownloadCancelled
from co_tui.report import describe_item_failure
from co_tui.transfer.batch import Batch, Signal, TransferItem
from co_tui.transfer.download_model import (
    DownloadRequest,
    ItemState,
    ItemView,
    SpeedMeter,
    TotalsView,
    eta_seconds,
)
from co_tui.transfer.failures import DiskFullError
from co_tui.transfer.fetch import Fetcher
from co_tui.transfer.filejob import (
    FileJob,
    FileOutcome,
    HandOver,
    discard_partial_files,
    lane_ready,
    run_file_job,
)
from co_tui.transfer.lanes import LaneEvent, Lanes
from co_tui.transfer.localfs import DiskUsage
from co_tui.transfer.planning import Plan, make_plan
from co_tui.transfer.urls import AHEAD_PER_SLOT, UrlPrefetcher
from co_tui.transfer.zipjob import ZipJob, ZipMember, run_zip_job

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = ["DownloadEngine"]

Sleep = Callable[[float], Awaitable[None]]

WORKERS_PER_SLOT = 2
"""Items run per transfer slot: while one file's bytes move, the next one's temp file is made
and the last one's is published."""


@dataclass
class _Totals:
    counts: dict[ItemState, int] = field(default_factory=lambda: dict.fromkeys(ItemState, 0))
    total: int = 0
    finished: int = 0


class DownloadEngine:
    """Runs download batches for one client; see the module docstring for the threading model.

    ``clock`` feeds the speed meters (inject a fake one for deterministic views); ``sleep`` the
    retry backoff; ``disk_usage`` the free-space check; ``env`` and ``data_root`` decide whether
    files are copied from a capsule's ``/data`` mount.
    """

    def __init__(
        self,
        client: CodeOceanClient,
        *,
        max_parallel: int = 8,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        disk_usage: DiskUsage = shutil.disk_usage,
        env: Mapping[str, str] | None = None,
        data_root: Path | None = None,
        speed_window: float = 5.0,
    ) -> None:
        if max_parallel < 1:
            raise ValueError("max_parallel must be at least 1")
        self.client = client
        self.max_parallel = max_parallel
        self._clock = clock
        self._sleep = sleep
        self._disk_usage = disk_usage
        self._env = os.environ if env is None else env
        self._data_root = data_root
        self._window = speed_window
        self._slots = asyncio.Semaphore(max_parallel)
        self._items: list[TransferItem] = []
        self._by_id: dict[int, TransferItem] = {}
        self._batches: list[Batch] = []
        self._queue: deque[TransferItem] = deque()
        self._workers: set[asyncio.Task[None]] = set()
        self._handed: set[asyncio.Task[None]] = set()
        """Runs of files a download lane handed over (their items are in ``_taken``)."""
        self._planners: set[asyncio.Task[None]] = set()
        self._running: set[TransferItem] = set()
        self._taken: set[TransferItem] = set()
        """Items a worker took off the queue whose run has not returned yet: between the two
        an item is neither queued nor running, and must still count as work in flight."""
        self._totals = _Totals()
        self._meter = SpeedMeter(clock, speed_window)
        self._messages: deque[str] = deque(maxlen=20)
        self._signal = Signal()
        self._urls = UrlPrefetcher(clock)
        self._lanes = Lanes(self._slots, max_parallel, self._lane_events)
        self._closing = False
        """Set by :meth:`aclose`: nothing new is handed on from then on."""
        self._next_id = 1

    # --- submitting -----------------------------------------------------------------------

    def submit(self, request: DownloadRequest) -> Batch:
        """Start ``request`` (call on the event loop); returns its :class:`Batch` at once."""
        batch = Batch(len(self._batches) + 1, request, self._signal)
        self._batches.append(batch)
        task = asyncio.ensure_future(self._plan(batch))
        self._planners.add(task)
        task.add_done_callback(self._planned)
        self._touch()
        return batch

    def _planned(self, task: asyncio.Task[None]) -> None:
        self._planners.discard(task)
        self._touch()  # the engine may be idle now (an empty or failed listing)

    async def _plan(self, batch: Batch) -> None:
        request = batch.request
        try:
            plan = await make_plan(self.client, request, env=self._env, data_root=self._data_root,
                                   disk_usage=self._disk_usage, parallel=self.max_parallel)
        except asyncio.CancelledError:
            batch.fail("cancelled while listing")
            self._touch()
            raise
        except Exception as exc:
            reason = describe_item_failure(exc)
            batch.fail(reason)
            self._messages.append(f"{request.target.name}: {reason}")
            self._touch()
            return
        batch.root = plan.root
        fetcher = Fetcher(self.client, request.target.asset_id, sleep=self._sleep)
        if plan.zip_name is not None:
            self._add_zip(batch, plan, fetcher)
        else:
            self._add_files(batch, plan, fetcher)
        batch.planned = True
        self._pump()
        self._touch()

    def _new_item(self, batch: Batch, label: str, size: int | None) -> TransferItem:
        item = TransferItem(self._next_id, batch, label, size,
                            SpeedMeter(self._clock, self._window))
        self._next_id += 1
        self._items.append(item)
        self._by_id[item.id] = item
        batch.items.append(item)
        batch.open_items += 1
        self._totals.counts[ItemState.QUEUED] += 1
        self._totals.total += size or 0
        return item

    def _add_files(self, batch: Batch, plan: Plan, fetcher: Fetcher) -> None:
        for planned in plan.files:
            label = "/".join(planned.parts) or planned.remote.rel
            item = self._new_item(batch, label, planned.remote.size)
            if planned.error:
                self._set_state(item, ItemState.FAILED, planned.error)
                continue
            if planned.present:  # "skip" found it there already: no request for it
                item.path = plan.root.joinpath(*planned.parts)
                self._set_state(item, ItemState.SKIPPED)
                continue
            item.from_mount = planned.local_source is not None
            item.job = FileJob(fetcher, planned.remote, str(plan.root), planned.parts,
                               batch.request.policy, item.report,
                               local_source=planned.local_source, urls=self._urls,
                               slots=self._slots)
            self._queue.append(item)

    def _add_zip(self, batch: Batch, plan: Plan, fetcher: Fetcher) -> None:
        members = [ZipMember(f.remote, "/".join(f.parts), f.local_source)
                   for f in plan.files if not f.error]
        for bad in (f for f in plan.files if f.error):
            self._messages.append(f"{bad.remote.rel}: {bad.error} (left out of the archive)")
        assert plan.zip_name is not None
        size = sum(m.remote.size or 0 for m in members)
        item = self._new_item(batch, plan.zip_name, size)
        item.is_zip = True
        item.from_mount = bool(members) and all(m.local_source is not None for m in members)
        item.job = ZipJob(fetcher, members, str(plan.root), plan.zip_name, batch.request.policy,
                          self._slots, prefetch=max(0, self.max_parallel - 1))
        self._queue.append(item)

    # --- running ----------------------------------------------------------------------------

    @staticmethod
    def _in_lane(item: TransferItem) -> bool:
        """Whether ``item`` goes to a download lane (:mod:`co_tui.transfer.lanes`)."""
        return isinstance(item.job, FileJob) and lane_ready(item.job)

    def _pump(self) -> None:
        """Hand queued items on in order: to the lanes while the first one is a lane's file
        (as many as the feed takes), else to the workers."""
        queue = self._queue
        while queue and not self._closing:
            item = queue[0]
            if item.state is not ItemState.QUEUED:
                queue.popleft()
            elif not self._in_lane(item):
                self._ensure_workers()
                return
            elif self._lanes.room:
                queue.popleft()
                if isinstance(item.job, FileJob):
                    self._urls.drop(item.job)
                self._reset_progress(item)  # now: the lane reports progress before its start
                self._lanes.feed(item)
            else:
                return

    def _ensure_workers(self) -> None:
        while len(self._workers) < min(self.max_parallel * WORKERS_PER_SLOT, len(self._queue)):
            task = asyncio.ensure_future(self._worker())
            self._workers.add(task)

    def _next_for_worker(self) -> TransferItem | None:
        """The first queued item, taken off the queue, unless it is a lane's (or none is)."""
        queue = self._queue
        while queue:
            item = queue[0]
            if item.state is ItemState.QUEUED and self._in_lane(item):
                return None
            queue.popleft()
            if item.state is ItemState.QUEUED:
                return item
        return None

    async def _worker(self) -> None:
        me = asyncio.current_task()
        try:
            while (item := self._next_for_worker()) is not None:
                self._taken.add(item)
                try:
                    item.task = asyncio.ensure_future(self._run_item(item))
                    # the next queued files' URLs, so a file rarely waits for its own
                    self._urls.want_ahead((q.job for q in self._queue if q.state is ItemState.QUEUED
                                           and isinstance(q.job, FileJob)
                                           and not self._in_lane(q)),
                                          self.max_parallel * AHEAD_PER_SLOT)
                    await item.task
                finally:
                    item.task = None
                    self._taken.discard(item)
                    self._touch()  # busy may have just become False: wake wait_idle()
        finally:
            if me is not None:
                self._workers.discard(me)
        self._pump()  # the queue's head may be a lane's file now

    async def _run_item(self, item: TransferItem, handed: HandOver | None = None) -> None:
        """Run ``item`` and set how it ended; ``handed``: a lane's unfinished start of it (the
        item is running already)."""
        if handed is None:
            if item.state is not ItemState.QUEUED:
                # stopped (disk full) or cancelled between being taken off the queue and this
                # task starting: it must not come back to life after its batch was reported
                # finished
                return
            self._started(item)
        job = item.job
        assert job is not None
        outcome: FileOutcome | BaseException
        try:
            if isinstance(job, ZipJob):
                outcome = await run_zip_job(job)
            else:
                outcome = await run_file_job(job, handed)  # takes a slot while bytes move
        except asyncio.CancelledError as exc:
            outcome = exc
        except Exception as exc:
            outcome = exc
        self._ended(item, outcome)

    def _started(self, item: TransferItem) -> None:
        self._reset_progress(item)
        self._set_state(item, ItemState.RUNNING)

    @staticmethod
    def _reset_progress(item: TransferItem) -> None:
        """Progress back to nothing, for a start (or a start again, after a retry)."""
        item.done = 0
        item.meter.reset()

    def _ended(self, item: TransferItem, outcome: FileOutcome | BaseException) -> None:
        """Set the state ``outcome`` means: published or skipped, cancelled (or stopped with
        its batch), failed (a full disk stops the whole batch)."""
        if isinstance(outcome, FileOutcome):
            item.path = outcome.path
            item.done = outcome.size
            self._set_state(item, ItemState.SKIPPED if outcome.skipped else ItemState.DONE)
        elif isinstance(outcome, DiskFullError):
            self._set_state(item, ItemState.FAILED, outcome.message)
            self._stop_batch(item.batch, outcome.message)
        elif isinstance(outcome, (asyncio.CancelledError, DownloadCancelled)) or (
                isinstance(item.job, FileJob) and item.job.cancel.is_set()):
            if item.stop_reason:
                self._set_state(item, ItemState.FAILED, item.stop_reason)
            else:
                self._set_state(item, ItemState.CANCELLED)
        elif isinstance(outcome, Exception):
            self._set_state(item, ItemState.FAILED, describe_item_failure(outcome))
        else:
            raise outcome

    def _lane_events(self, events: list[LaneEvent]) -> None:
        """Apply what the lanes report (on the event loop), then feed them again."""
        for event in events:
            item = event.item
            if event.started:  # its progress was reset when it was fed: bytes may have come
                if item.state is ItemState.QUEUED:
                    self._set_state(item, ItemState.RUNNING)
            elif isinstance(event.result, HandOver) and not self._closing and not (
                    isinstance(item.job, FileJob) and item.job.cancel.is_set()):
                self._taken.add(item)
                item.task = asyncio.ensure_future(self._run_item(item, event.result))
                self._handed.add(item.task)
                item.task.add_done_callback(functools.partial(self._handed_back, item))
            elif event.result is None or isinstance(event.result, HandOver):
                self._ended(item, DownloadCancelled())  # dropped, or withdrawn meanwhile
            else:
                self._ended(item, event.result)
        self._pump()

    def _handed_back(self, item: TransferItem, task: asyncio.Task[None]) -> None:
        """A handed-over file's task is done. One cancelled before its first step (closing
        began in the same turn of the loop as the batch that handed it over) never ran
        :meth:`_run_item`, which sets how a file ended: it ends cancelled here."""
        self._handed.discard(task)
        item.task = None
        self._taken.discard(item)
        if task.cancelled() and not item.state.finished:
            self._ended(item, DownloadCancelled())
        self._touch()

    def _set_state(self, item: TransferItem, state: ItemState, error: str = "") -> None:
        old = item.state
        totals = self._totals
        totals.counts[old] -= 1
        totals.counts[state] += 1
        counted = (ItemState.SKIPPED, ItemState.CANCELLED)
        if old in counted and state not in counted:
            totals.total += item.size or 0
        elif state in counted and old not in counted:
            totals.total -= item.size or 0
        if old is ItemState.DONE:
            totals.finished -= item.size or item.done
        if state is ItemState.DONE:
            totals.finished += item.size or item.current_done()
        if old.finished and not state.finished:
            item.batch.open_items += 1
        elif state.finished and not old.finished:
            item.batch.open_items -= 1
        if state is ItemState.RUNNING:
            self._running.add(item)
        else:
            self._running.discard(item)
        item.state = state
        item.error = error
        self._touch()

    def _stop_batch(self, batch: Batch, reason: str) -> None:
        """Stop every item of ``batch`` and remove all its temp files (the disk is full)."""
        stop = f"stopped: {reason}"
        batch.stopped = reason
        self._messages.append(f"{batch.request.target.name}: {reason}")
        for other in batch.items:
            if other in self._lanes.items:
                other.stop_reason = stop
                self._lanes.withdraw(other)
            elif other.state is ItemState.QUEUED:
                if isinstance(other.job, FileJob):
                    self._urls.drop(other.job)
                self._set_state(other, ItemState.FAILED, stop)
            elif other.state is ItemState.RUNNING and other.task is not None:
                other.stop_reason = stop
                if isinstance(other.job, FileJob):
                    other.job.discard_partial = True
                other.task.cancel()
            elif isinstance(other.job, FileJob) and other.job.kept_partial:
                discard_partial_files(other.job)

    def _touch(self) -> None:
        self._signal.fire()

    # --- user actions -------------------------------------------------------------------------

    def cancel(self, item_id: int) -> bool:
        """Cancel a queued or running item; False when it is already finished (or unknown)."""
        item = self._by_id.get(item_id)
        if item is None:
            return False
        if item in self._lanes.items:
            self._lanes.withdraw(item)  # the lane reports it dropped or ended
            return True
        if item.state is ItemState.QUEUED:
            if isinstance(item.job, FileJob):
                self._urls.drop(item.job)
            self._set_state(item, ItemState.CANCELLED)
            return True
        if item.state is ItemState.RUNNING and item.task is not None:
            item.task.cancel()
            return True
        return False

    def retry(self, item_id: int) -> bool:
        """Queue a failed or cancelled item again (a resumable file continues where it was)."""
        item = self._by_id.get(item_id)
        if item is None or item.job is None:
            return False
        if item.state not in (ItemState.FAILED, ItemState.CANCELLED):
            return False
        if item.batch.stopped:
            item.batch.stopped = ""
        item.stop_reason = ""
        item.job.reset()
        self._set_state(item, ItemState.QUEUED)
        self._queue.append(item)
        self._pump()
        return True

    def cancel_all(self) -> int:
        """Cancel every queued and running item; returns how many were cancelled."""
        return sum(self.cancel(item.id) for item in list(self._items)
                   if not item.state.finished)

    # --- views ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._items)

    @property
    def batches(self) -> list[Batch]:
        """Every batch submitted, oldest first."""
        return list(self._batches)

    def item(self, item_id: int) -> TransferItem | None:
        """The item with this id, or None."""
        return self._by_id.get(item_id)

    def view(self, start: int = 0, count: int | None = None) -> list[ItemView]:
        """Views of items ``start`` .. ``start + count`` (queue order); samples their speed."""
        stop = len(self._items) if count is None else min(len(self._items), start + count)
        return [self._items[i].view() for i in range(max(0, start), stop)]

    def totals(self) -> TotalsView:
        """Counts, bytes, speed and ETA over the whole queue; samples the total speed."""
        t = self._totals
        done = t.finished + sum(item.current_done() for item in list(self._running))
        planning = sum(1 for b in self._batches if not b.planned and not b.error)
        active = bool(self._running or self._taken or self._lanes.items or self._queue
                      or planning)
        speed = self._meter.sample(done) if active else None
        return TotalsView(
            items=len(self._items), counts=dict(t.counts), done_bytes=done,
            total_bytes=t.total, speed=speed,
            eta=eta_seconds(t.total - done, speed) if active else None,
            planning=planning, messages=tuple(self._messages),
        )

    @property
    def busy(self) -> bool:
        """True while a batch is being listed or an item is queued, taken off the queue by a
        worker (until its run returns) or running."""
        return bool(self._planners or self._running or self._taken or self._lanes.items or any(
            item.state is ItemState.QUEUED for item in self._queue))

    async def wait_idle(self) -> None:
        """Return once nothing is being listed, queued or running."""
        while self.busy:
            await self._signal.wait()

    async def aclose(self) -> None:
        """Stop everything (resumable temp files stay for a later run) and wait for it."""
        self._closing = True
        self._urls.close()
        for task in list(self._planners):
            task.cancel()
        for item in await self._lanes.aclose():
            self._ended(item, DownloadCancelled())
        for item in list(self._items):
            if item.state is ItemState.QUEUED:
                self._set_state(item, ItemState.CANCELLED)
        for task in [*self._workers, *self._handed]:
            task.cancel()
        pending = [*self._planners, *self._workers, *self._handed]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
