"""The signed-URL prefetcher's adaptive gate: one request at a time while URLs are ready in time,
more when files had to wait for theirs (past UNHURRIED only while the requests wait on the
network), and never more than the gate allows."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from co_tui.transfer.urls import CONCURRENCY, LATENCY_BOUND, READY_STREAK, UNHURRIED, UrlPrefetcher


@dataclass
class _Fetcher:
    delay: float = 0.0
    open: int = 0
    peak: int = 0
    calls: list[str] = field(default_factory=list)

    async def signed_url(self, path: str) -> str:
        self.open += 1
        self.peak = max(self.peak, self.open)
        self.calls.append(path)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.open -= 1
        return f"https://files.test/{path}?X-Amz-Signature=s"


@dataclass(eq=False)
class _Job:
    fetcher: _Fetcher
    remote: Any
    local_source: None = None


@dataclass
class _Remote:
    path: str


def _jobs(fetcher: _Fetcher, count: int) -> list[Any]:
    return [_Job(fetcher, _Remote(f"f{i}")) for i in range(count)]


async def test_the_gate_widens_when_files_wait_and_narrows_when_urls_are_ready() -> None:
    urls = UrlPrefetcher(lambda: 0.0)
    assert urls.limit == 1
    for _ in range(CONCURRENCY + 3):
        urls._adapt(False)
    assert urls.limit == UNHURRIED  # quick requests: more in flight would only cost CPU
    urls.round_trip = LATENCY_BOUND  # the requests wait on the network: more help
    for _ in range(CONCURRENCY + 3):
        urls._adapt(False)
    assert urls.limit == CONCURRENCY
    for _ in range(READY_STREAK * (CONCURRENCY + 3)):
        urls._adapt(True)
    assert urls.limit == 1


async def test_requests_in_flight_never_exceed_the_limit() -> None:
    fetcher = _Fetcher(delay=0.002)
    urls = UrlPrefetcher(lambda: 0.0)
    jobs = _jobs(fetcher, 40)
    for job in jobs:
        urls.want(job)
    got = [await urls.take(job) for job in jobs]  # every take finds its URL still pending
    assert got == [f"https://files.test/f{i}?X-Amz-Signature=s" for i in range(40)]
    assert fetcher.calls == [f"f{i}" for i in range(40)]  # one request per file, in order
    assert 1 < fetcher.peak <= UNHURRIED  # the fake clock says no time passed: not latency
    narrowed = UrlPrefetcher(lambda: 0.0)
    slow = _Fetcher(delay=0.002)
    for job in _jobs(slow, 10):
        narrowed.want(job)
    await asyncio.sleep(0.1)  # nothing taken: the gate stays at one
    assert slow.peak == 1 and len(slow.calls) == 10
    narrowed.close()


async def test_requests_with_a_round_trip_of_latency_run_up_to_concurrency_at_once() -> None:
    fetcher = _Fetcher(delay=4 * LATENCY_BOUND)
    urls = UrlPrefetcher(time.monotonic)
    jobs = _jobs(fetcher, 24)
    for job in jobs:
        urls.want(job)
    got = [await urls.take(job) for job in jobs]
    assert got == [f"https://files.test/f{i}?X-Amz-Signature=s" for i in range(24)]
    assert urls.round_trip >= LATENCY_BOUND
    assert UNHURRIED < fetcher.peak <= CONCURRENCY
