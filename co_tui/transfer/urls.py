"""Signed URLs fetched a little ahead of their file, so the API's round trip overlaps a transfer.

Each file needs one ``files/urls`` call before its bytes; done strictly in turn, a worker waits
for two round trips per file (the URL, then the body). The engine asks for the URLs of the next
few queued files (a bounded window) while the current ones transfer; a file takes its URL when
it starts. How many of those requests run at once adapts between 1 and :data:`CONCURRENCY`: one
more whenever a file finds its URL not ready yet, one fewer after :data:`READY_STREAK` files in a
row found theirs ready. Past :data:`UNHURRIED` in flight it grows only while the requests wait on
the network (their round trip is over :data:`LATENCY_BOUND`): when they are quick, a file waits
for its URL because the client's CPU is busy, and more requests at once only cost more of it
(measured through httpx, before the quick path of :mod:`co_tui.api.quick_get`: 6 in flight cost
0.89 ms of client CPU per URL against 0.63 ms with 2; through the quick path, 2, 4 and 8 made
no difference beyond the machine's noise). With a round trip of latency more run at once. A URL is
used only while it is fresh (:data:`MAX_AGE` seconds after it was fetched); an older one, or a
failed prefetch, is simply fetched again, so signed URLs are still "fetched just before each file"
and an expired one still gets its one refetch on 403.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from co_tui.transfer.filejob import FileJob

__all__ = ["AHEAD_PER_SLOT", "CONCURRENCY", "LATENCY_BOUND", "MAX_AGE", "READY_STREAK", "UNHURRIED",
           "UrlPrefetcher"]

AHEAD_PER_SLOT = 2
"""Files per transfer slot whose URLs are fetched ahead: with a round trip of latency on both
the API and the file host, a window of one per slot left transfers waiting for their URLs."""

CONCURRENCY = 8
"""The most URL requests in flight at once (ahead or not): enough to stay ahead of 8 transfers
when every answer takes a round trip of 20 ms."""
UNHURRIED = 2
"""Requests in flight the gate may reach whatever their round trip: one being answered while the
client reads the other's answer keeps both sides busy."""
LATENCY_BOUND = 0.005
"""Seconds of round trip (a running average) from which URL requests count as waiting on the
network, so that more of them in flight help."""
READY_STREAK = 8
"""Files in a row that found their URL ready before one fewer request may be in flight."""

MAX_AGE = 60.0
"""Seconds a prefetched URL stays usable (signed URLs live for minutes to hours)."""


def _consume(task: asyncio.Task[str]) -> None:
    """Mark a finished prefetch's outcome as seen (a failure is retried by the file itself)."""
    if not task.cancelled():
        task.exception()


class UrlPrefetcher:
    """Prefetched signed URLs by job, each with the time its request started."""

    def __init__(self, clock: Callable[[], float], max_age: float = MAX_AGE,
                 concurrency: int = CONCURRENCY) -> None:
        self._clock = clock
        self._max_age = max_age
        self._pending: dict[int, tuple[asyncio.Task[str], float]] = {}
        self._most = max(1, concurrency)
        self.limit = 1
        """URL requests allowed in flight now (between 1 and ``concurrency``)."""
        self._gate = asyncio.Semaphore(1)
        self._debt = 0
        self._ready_streak = 0
        self.round_trip = 0.0
        """A running average of the URL requests' round trips, in seconds."""

    def __len__(self) -> int:
        return len(self._pending)

    def want(self, job: FileJob) -> None:
        """Start fetching ``job``'s URL unless that is under way (call on the event loop)."""
        if id(job) in self._pending or job.local_source is not None:
            return
        task = asyncio.ensure_future(self._fetch(job))
        task.add_done_callback(_consume)
        self._pending[id(job)] = (task, self._clock())

    async def _fetch(self, job: FileJob) -> str:
        await self._gate.acquire()
        started = self._clock()
        try:
            return await job.fetcher.signed_url(job.remote.path)
        finally:
            self.round_trip += (self._clock() - started - self.round_trip) / 4
            if self._debt:
                self._debt -= 1  # a permit given up by _narrow: not handed back
            else:
                self._gate.release()

    def _adapt(self, ready: bool) -> None:
        """One more request in flight when a file had to wait for its URL (past
        :data:`UNHURRIED`, only while the requests wait on the network); one fewer after
        :data:`READY_STREAK` files in a row found theirs ready."""
        if not ready:
            self._ready_streak = 0
            waiting = self.round_trip >= LATENCY_BOUND
            if self.limit < self._most and (self.limit < UNHURRIED or waiting):
                self.limit += 1
                if self._debt:
                    self._debt -= 1
                else:
                    self._gate.release()
            return
        self._ready_streak += 1
        if self._ready_streak >= READY_STREAK and self.limit > 1:
            self._ready_streak = 0
            self.limit -= 1
            self._debt += 1

    def want_ahead(self, jobs: Iterable[FileJob], count: int) -> None:
        """:meth:`want` the first ``count`` of ``jobs`` (the queue, in order)."""
        for job in itertools.islice(jobs, count):
            self.want(job)

    def drop(self, job: FileJob) -> None:
        """Forget ``job``'s prefetch (it was cancelled, or is about to be retried)."""
        entry = self._pending.pop(id(job), None)
        if entry is not None:
            entry[0].cancel()

    async def take(self, job: FileJob) -> str:
        """``job``'s signed URL: the prefetched one while fresh, else a new one."""
        entry = self._pending.pop(id(job), None)
        if entry is not None:
            task, started = entry
            self._adapt(task.done())
            if self._clock() - started <= self._max_age:
                try:
                    return await task
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if current is not None and current.cancelling():
                        raise  # our caller is being cancelled, not just the prefetch
                except Exception:  # the fresh fetch below reports any real error
                    pass
            task.cancel()
        return await self._fetch(job)

    def close(self) -> None:
        """Cancel every prefetch."""
        for task, _ in self._pending.values():
            task.cancel()
        self._pending.clear()
