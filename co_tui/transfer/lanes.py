"""Download lanes: small files run back to back in transfer threads, with no event-loop work
per file.

On loopback a 1 MiB file moves in about a millisecond, and what the event loop did for each
file (a task, a URL request through the client, a hop to a thread and back, the engine's
bookkeeping) cost more CPU than the transfer itself: the loop's thread held the GIL most of the
time while the transfer threads waited for it (bench/download_asset.py). A lane is one thread
call that takes files from a small *feed* one after the other and does each one whole there
(:func:`~co_tui.transfer.filejob.run_in_lane`: the bytes, publish). Each file's signed URL is
asked for (one quick attempt, on the API client's quick path) by the lane itself: it sends the
request for its next file before the current file's bytes and reads the answer after them, so
the URL's round trip overlaps that transfer, as the engine's URL prefetcher does for the other
files, and no other thread is woken per file (each hand-off between threads cost a wake-up and
a wait for the GIL). A lane keeps the folder it wrote into open for its next file
(:class:`~co_tui.transfer.localfs.FolderCache`).

A lane tells the loop what happened through a queue of events that the loop applies in a
batch, :data:`DRAIN_DELAY` after the first one (``started``, how the file ended, or
``dropped``: cancelled before it began), or at once when a lane runs out of files. Once
:meth:`Lanes.aclose` has begun, no batch is applied any more but the one it applies itself,
after the last lane has stopped, so no event reaches the engine after the lanes are closed.
Each lane holds one of the engine's transfer slots while it runs. How many lanes run is
measured, not fixed
(:class:`~co_tui.transfer.lane_count.LaneCount`): a few when that moves files as fast as one
per slot (the transfers are bound by CPU), else one per slot. A lane the count no longer wants
takes no new file: it ends after the one it moves and the one whose URL it asked for already.

A file the lane cannot finish (no quick URL, a first attempt that failed in a way the full path
retries) comes back as a :class:`~co_tui.transfer.filejob.HandOver`, and the engine finishes it
with :func:`~co_tui.transfer.filejob.run_file_job`. A fed file's state is changed only by its
events: :meth:`Lanes.withdraw` (a cancel, a full disk) sets the file's cancel event and cuts its
connection, and the lane reports the file dropped or ended. So a file is never in a lane twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from co_tui.api.fast_download import transfer_executor
from co_tui.api.quick_get import nothing
from co_tui.transfer.filejob import FileJob, FileOutcome, HandOver, run_in_lane
from co_tui.transfer.lane_count import LaneCount
from co_tui.transfer.localfs import FolderCache

if TYPE_CHECKING:
    from co_tui.transfer.batch import TransferItem

__all__ = ["DRAIN_DELAY", "FEED_PER_LANE", "LaneEvent", "Lanes"]

FEED_PER_LANE = 16
"""Files fed per lane ahead of the lanes taking them: enough that a lane rarely finds the feed
empty between two of the loop's top-ups (and ends), which come at most every
:data:`DRAIN_DELAY` (8 lanes take about 50 1-MiB files in that time on loopback), few enough
that the feed stays small."""
DRAIN_DELAY = 0.01
"""How long the loop lets the lanes' events gather before it applies them (the first event
after a drain asks for the next one). A wake-up of the loop's thread per event or two cost it
and the lanes a wait for the GIL each: on the 1,000 x 1 MiB bench, 13,000 context switches
instead of 6,000 and about a tenth of the time. 10 ms is below what a progress display shows."""


@dataclass(frozen=True)
class LaneEvent:
    """What a lane reports about a fed ``item``: ``started``, or how it ended (``result``: the
    outcome, a hand-over or the exception, and ``at``, the lane's clock then), or neither:
    dropped before it began."""

    item: TransferItem
    started: bool = False
    result: FileOutcome | HandOver | Exception | None = None
    at: float = 0.0


class Lanes:
    """At most ``most`` lanes, each holding one of ``slots`` while it runs, as many as
    :attr:`count` finds fastest; ``apply`` gets the events in order, in batches, on the event
    loop."""

    def __init__(self, slots: asyncio.Semaphore, most: int,
                 apply: Callable[[list[LaneEvent]], None]) -> None:
        self._slots = slots
        self._most = most
        self._apply = apply
        self._feed: deque[TransferItem] = deque()
        self._events: deque[LaneEvent] = deque()
        self._due = False
        self._timer: asyncio.TimerHandle | None = None
        self._stopping = False
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.count = LaneCount(most)
        """How many lanes run (a few, or ``most``: see :mod:`co_tui.transfer.lane_count`)."""
        self._running = 0
        """Lanes taking files (not yet leaving), under ``_running_lock``."""
        self._running_lock = threading.Lock()
        self.items: set[TransferItem] = set()
        """Files fed and not yet reported ended or dropped."""

    @property
    def room(self) -> int:
        """Files the feed takes now."""
        return 0 if self._stopping else max(0, self._most * FEED_PER_LANE - len(self._feed))

    def feed(self, item: TransferItem) -> None:
        """Queue ``item`` (a :class:`FileJob` that is lane-ready) for the next free lane, and
        start a lane if fewer run than files wait (call on the event loop)."""
        self.items.add(item)
        self._feed.append(item)
        self._start_lanes()

    def _start_lanes(self) -> None:
        while not self._stopping and len(self._tasks) < min(self.count.now, len(self._feed)):
            task = asyncio.ensure_future(self._lane())
            self._tasks.add(task)
            task.add_done_callback(self._lane_ended)

    def _lane_ended(self, task: asyncio.Task[None]) -> None:
        """A lane found the feed empty: what it reported last is applied now, not
        :data:`DRAIN_DELAY` later (the last files of a batch end it that much sooner), and
        files fed since then need a lane."""
        self._tasks.discard(task)
        if not self._closed and not self._stopping:
            self._drain()
        self._start_lanes()

    def withdraw(self, item: TransferItem) -> None:
        """Stop ``item`` (fed or running in a lane): the lane reports it dropped or ended."""
        job = item.job
        assert isinstance(job, FileJob)
        job.cancel.set()
        job.active.cancel()

    async def _lane(self) -> None:
        async with self._slots:
            done = asyncio.get_running_loop().run_in_executor(
                transfer_executor(), self._run, asyncio.get_running_loop())
            try:
                await asyncio.shield(done)
            except asyncio.CancelledError:
                self._stop()
                await done
                raise

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        """A lane (in a transfer thread): the feed's files one after the other, until it is
        empty, the lanes stop or :attr:`count` wants fewer lanes; the next file's URL is on its
        way during each transfer."""
        with self._running_lock:
            self._running += 1
        counted = True  # until this lane counts itself out
        item = self._take(loop)
        asked = _ask_url(item)
        folders = FolderCache()
        try:
            while item is not None and asked is not None:
                url = _answer(asked)
                counted = not self._one_too_many()
                after = self._take(loop) if counted else None
                asked_after = _ask_url(after)  # its answer comes while this file moves
                if self._stopping:  # its withdrawal may not have come yet: never begin it
                    self._post(loop, LaneEvent(item))
                    item, asked = after, asked_after
                    continue
                self._post(loop, LaneEvent(item, started=True))
                result: FileOutcome | HandOver | Exception
                try:
                    result = run_in_lane(_job(item), url, folders)
                except Exception as exc:  # the engine reports it as _run_item would
                    result = exc
                self._post(loop, LaneEvent(item, result=result, at=time.perf_counter()))
                item, asked = after, asked_after
        finally:
            folders.close()
            if counted:
                with self._running_lock:
                    self._running -= 1

    def _one_too_many(self) -> bool:
        """Whether more lanes run than :attr:`count` wants; if so the calling lane counts
        itself out (it takes no new file), so only as many lanes as are extra end."""
        with self._running_lock:
            if self._running <= self.count.now:
                return False
            self._running -= 1
            return True

    def _take(self, loop: asyncio.AbstractEventLoop) -> TransferItem | None:
        """The feed's next file that is still wanted (the others are reported dropped)."""
        while not self._stopping:
            try:
                item = self._feed.popleft()
            except IndexError:
                return None
            if not _job(item).cancel.is_set():
                return item
            self._post(loop, LaneEvent(item))
        return None

    def _post(self, loop: asyncio.AbstractEventLoop, event: LaneEvent) -> None:
        """Queue ``event``; ask the loop for a drain unless one is due already."""
        self._events.append(event)
        if not self._due:
            self._due = True
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(self._arm, loop)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Apply the events :data:`DRAIN_DELAY` from now (on the loop; not once closing)."""
        if not self._closed:
            self._timer = loop.call_later(DRAIN_DELAY, self._timed_drain)

    def _timed_drain(self) -> None:
        self._timer = None  # never runs once closed: aclose cancels it, and _arm arms no more
        self._drain()

    def _drain(self) -> None:
        self._due = False  # before taking: an event posted from now on asks for a new drain
        batch: list[LaneEvent] = []
        while self._events:
            event = self._events.popleft()
            if not event.started:
                self.items.discard(event.item)
                if isinstance(event.result, FileOutcome):
                    self.count.ended(event.at)
            batch.append(event)
        if batch:
            self._apply(batch)
            self._start_lanes()  # the count may have grown

    def _stop(self) -> None:
        """Stop taking files, and stop the ones running (see :meth:`withdraw`)."""
        self._stopping = True
        for item in list(self.items):
            self.withdraw(item)

    async def aclose(self) -> list[TransferItem]:
        """Stop every lane and wait for them; return the fed files that never started, which
        are no longer fed (their state is the caller's), after applying the events left."""
        self._stop()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._closed = True  # from here no timed drain: the events left are applied just below
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._drain()
        left = list(self._feed)
        self._feed.clear()
        for item in left:
            self.items.discard(item)
        return left


def _job(item: TransferItem) -> FileJob:
    job = item.job
    assert isinstance(job, FileJob)
    return job


def _ask_url(item: TransferItem | None) -> Callable[[], str | None] | None:
    """Send the request for ``item``'s signed URL now, on the API client's quick path in this
    thread, and return the call that reads the answer (None: no item)."""
    if item is None:
        return None
    job = _job(item)
    if job.fetcher.client.quick is None:
        return nothing
    return job.fetcher.signed_url_later(job.remote.path, job.active)


def _answer(asked: Callable[[], str | None]) -> str | None:
    """The URL ``asked`` reads, or None when it gave none (the file is handed over). Read even
    for a cancelled file, whose socket is then cut at once (it was recorded as the file's
    ``active`` connection): so the request's socket is always handed back."""
    try:
        return asked()
    except Exception:  # whatever went wrong: the full path asks again
        return None
